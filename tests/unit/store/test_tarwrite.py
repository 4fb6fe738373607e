"""Writing layer tars: order, headers, hard links, whiteouts, determinism, round trips."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import stat
import tarfile
from pathlib import Path

import pytest

from hutch.store.tarextract import extract_layer
from hutch.store.tarwrite import WriteResult, write_layer_tar

CAP_NET_BIND = b"\x01\x00\x00\x02\x00\x04\x00\x00" + b"\x00" * 12


def write(src: Path, **kw: object) -> tuple[bytes, WriteResult]:
    out = io.BytesIO()
    result = write_layer_tar(src, out, **kw)  # type: ignore[arg-type]
    return out.getvalue(), result


def members(data: bytes) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data), errors="surrogateescape") as tar:
        return tar.getmembers()


def raw_names(data: bytes) -> list[str]:
    """Names as stored (tarfile strips a directory's trailing slash when reading)."""
    names = []
    with tarfile.open(fileobj=io.BytesIO(data), errors="surrogateescape") as tar:
        for m in tar.getmembers():
            names.append(m.name + "/" if m.isdir() else m.name)
    return names


def touch(path: Path, data: bytes = b"", mtime: int = 1_700_000_000, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def src(tmp_path: Path) -> Path:
    d = tmp_path / "src"
    d.mkdir()
    return d


def test_entries_sorted_parents_first_without_dot_prefix(src: Path) -> None:
    for rel in ("b/", "a/y/", "a/x", "a/y/z", "a-b"):
        if rel.endswith("/"):
            (src / rel).mkdir(parents=True)
        else:
            touch(src / rel)
    data, _ = write(src)
    assert raw_names(data) == ["a/", "a-b", "a/x", "a/y/", "a/y/z", "b/"]
    # The trailing slash is really in the header, not added by the reader.
    assert data[0:2] == b"a/" and data[2] == 0


def test_headers_are_numeric_pax_and_clamped(src: Path) -> None:
    touch(src / "new", b"abc", mtime=2_000_000_000, mode=0o4750)
    touch(src / "old", b"", mtime=1_000)
    data, _ = write(src, clamp_mtime=1_500_000_000)
    by_name = {m.name: m for m in members(data)}
    new = by_name["new"]
    assert new.mtime == 1_500_000_000
    assert by_name["old"].mtime == 1_000
    assert new.mode == 0o4750 and new.size == 3
    assert (new.uid, new.gid) == (os.geteuid(), os.getegid())
    assert new.uname == "" and new.gname == ""
    assert data[257:265] == b"ustar\x0000"  # POSIX (PAX) magic, not GNU's "ustar  \0"


def test_unclamped_mtime_is_kept(src: Path) -> None:
    touch(src / "f", mtime=2_000_000_000)
    data, _ = write(src)
    assert members(data)[0].mtime == 2_000_000_000


def test_special_entries(src: Path) -> None:
    touch(src / "target", b"x")
    (src / "link").symlink_to("target")
    os.mkfifo(src / "fifo", 0o640)
    os.mknod(src / "zero", stat.S_IFCHR | 0o600, os.makedev(0, 0))
    by_name = {m.name: m for m in members(write(src)[0])}
    assert by_name["link"].issym() and by_name["link"].linkname == "target"
    assert by_name["fifo"].isfifo() and by_name["fifo"].mode == 0o640
    zero = by_name["zero"]  # plain source: a 0/0 device is just a device
    assert zero.ischr() and (zero.devmajor, zero.devminor) == (0, 0)


def test_sockets_are_left_out(src: Path) -> None:
    touch(src / "f")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(src / "s"))
        assert [m.name for m in members(write(src)[0])] == ["f"]


def test_hard_links_point_to_first_path(src: Path) -> None:
    touch(src / "b", b"shared")
    os.link(src / "b", src / "a")
    os.link(src / "b", src / "c")
    entries = members(write(src)[0])
    assert [(m.name, m.type, m.linkname, m.size) for m in entries] == [
        ("a", tarfile.REGTYPE, "", 6),
        ("b", tarfile.LNKTYPE, "a", 0),
        ("c", tarfile.LNKTYPE, "a", 0),
    ]


def test_xattrs_become_schily_records(src: Path) -> None:
    f = touch(src / "f")
    raw = b"\xff\x00binary"
    os.setxattr(f, "user.note", b"hi")
    os.setxattr(f, "user.raw", raw)
    os.setxattr(f, "user.overlay.origin", b"skip me")
    os.setxattr(f, "user.hutch.unmapped", b"1000:1000")  # userns_copy's mark
    data, _ = write(src)
    headers = members(data)[0].pax_headers
    assert headers["SCHILY.xattr.user.note"] == "hi"
    assert headers["SCHILY.xattr.user.raw"].encode("utf-8", "surrogateescape") == raw
    assert not any("overlay" in key or "hutch" in key for key in headers)


def test_file_capability_is_written_when_present(src: Path) -> None:
    f = touch(src / "ping")
    try:
        os.setxattr(f, "security.capability", CAP_NET_BIND)
    except PermissionError:
        # An unprivileged user cannot set it; nothing is written then.
        assert "SCHILY.xattr.security.capability" not in members(write(src)[0])[0].pax_headers
        assert os.geteuid() != 0
        return
    value = members(write(src)[0])[0].pax_headers["SCHILY.xattr.security.capability"]
    assert value.encode("utf-8", "surrogateescape") == CAP_NET_BIND


def test_overlay_upper_whiteouts_and_opaque_dirs(src: Path) -> None:
    (src / "d").mkdir()
    os.setxattr(src / "d", "user.overlay.opaque", b"y")
    touch(src / "d/-first")  # sorts before ".wh..wh..opq"
    touch(src / "d/z")
    os.mknod(src / "gone", stat.S_IFCHR, os.makedev(0, 0))
    os.mknod(src / "d/gone2", stat.S_IFCHR, os.makedev(0, 0))
    data, _ = write(src, source="overlay-upper")
    entries = members(data)
    assert raw_names(data) == ["d/", "d/.wh..wh..opq", "d/-first", "d/.wh.gone2", "d/z", ".wh.gone"]
    for m in entries:
        if os.path.basename(m.name).startswith(".wh."):
            assert m.isreg() and m.size == 0 and m.mode == 0o600
    assert "SCHILY.xattr.user.overlay.opaque" not in entries[0].pax_headers

    plain = raw_names(write(src, source="plain")[0])
    assert "gone" in plain and not any(".wh." in n for n in plain)


def test_exclude_skips_entries_and_subtrees(src: Path) -> None:
    touch(src / "keep/a")
    touch(src / "skip/a")
    touch(src / "skip/deep/b")
    touch(src / "keep/not-this")
    data, _ = write(src, exclude=lambda rel: rel in ("skip", "keep/not-this"))
    assert raw_names(data) == ["keep/", "keep/a"]


def test_diff_id_and_size_describe_the_bytes(src: Path) -> None:
    touch(src / "f", b"x" * 5000)
    data, result = write(src)
    assert result.diff_id == "sha256:" + hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    # Go's archive/tar (podman) ends with two zero blocks and no record padding
    assert len(data) % 512 == 0 and data.endswith(b"\0" * 1024)
    assert len(data) == 512 + 5120 + 1024  # header, contents, end


def test_an_empty_tree_is_two_zero_blocks_as_podmans(src: Path) -> None:
    data, result = write(src)
    assert data == b"\0" * 1024 and result.size == 1024


def test_two_writes_give_identical_bytes(src: Path) -> None:
    build_tree(src)
    first, r1 = write(src, source="overlay-upper")
    second, r2 = write(src, source="overlay-upper")
    assert first == second and r1 == r2


# -- round trips -----------------------------------------------------------------


def build_tree(root: Path) -> None:
    """A tree with every kind of node a layer holds, as an overlay upper dir."""
    (root / "etc").mkdir()
    touch(root / "etc/hosts", b"127.0.0.1 localhost\n", mtime=1_000_000, mode=0o640)
    touch(root / "bin/su", b"\x7fELF", mtime=2_000_000, mode=0o4755)
    os.link(root / "bin/su", root / "bin/su-again")
    (root / "etc/localtime").symlink_to("/usr/share/zoneinfo/UTC")
    (root / "dangling").symlink_to("../../nowhere")
    os.mkfifo(root / "etc/initctl", 0o600)
    os.setxattr(root / "etc/hosts", "user.origin", b"test")
    (root / "var/cache").mkdir(parents=True)
    os.setxattr(root / "var/cache", "user.overlay.opaque", b"y")
    touch(root / "var/cache/fresh", b"new")
    os.mknod(root / "etc/removed", stat.S_IFCHR, os.makedev(0, 0))
    (root / "empty").mkdir(mode=0o700)
    # Tars hold whole seconds: give every node one, children before parents.
    for rel in ("etc/localtime", "dangling", "etc/initctl", "etc/removed"):
        os.utime(root / rel, (4_000_000, 4_000_000), follow_symlinks=False)
    for directory in ("etc", "bin", "var/cache", "var", "empty"):
        os.utime(root / directory, (3_000_000, 3_000_000))


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Everything a layer must preserve, per path; hard links by first path."""
    seen: dict[tuple[int, int], str] = {}
    state: dict[str, tuple[object, ...]] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        info = path.lstat()
        key = (info.st_dev, info.st_ino)
        if not stat.S_ISDIR(info.st_mode) and key in seen:
            state[rel] = ("hardlink", seen[key])
            continue
        seen[key] = rel
        xattrs = {
            a: os.getxattr(path, a, follow_symlinks=False)
            for a in sorted(os.listxattr(path, follow_symlinks=False))
            if a.startswith("user.")
        }
        if stat.S_ISLNK(info.st_mode):
            detail: object = os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            detail = path.read_bytes()
        else:
            detail = info.st_rdev
        state[rel] = (
            stat.S_IFMT(info.st_mode),
            stat.S_IMODE(info.st_mode),
            info.st_uid,
            info.st_gid,
            info.st_mtime_ns,
            detail,
            xattrs,
        )
    return state


def test_round_trip_overlay_upper(tmp_path: Path) -> None:
    upper = tmp_path / "upper"
    upper.mkdir()
    build_tree(upper)
    data, result = write(upper, source="overlay-upper")

    lower = tmp_path / "lower"
    lower.mkdir()
    extracted = extract_layer(io.BytesIO(data), lower, whiteouts="overlay")
    assert extracted.diff_id == result.diff_id
    assert snapshot(lower) == snapshot(upper)
    assert snapshot(lower)["bin/su-again"] == ("hardlink", "bin/su")
    assert os.getxattr(lower / "var/cache", "user.overlay.opaque") == b"y"

    # And once more: the extracted tree writes back to the very same bytes.
    again, _ = write(lower, source="overlay-upper")
    assert again == data


def test_round_trip_applied_to_a_root_filesystem(tmp_path: Path) -> None:
    upper = tmp_path / "upper"
    upper.mkdir()
    build_tree(upper)
    data, _ = write(upper, source="overlay-upper")

    rootfs = tmp_path / "rootfs"
    touch(rootfs / "etc/removed", b"from the base layer")
    touch(rootfs / "var/cache/stale", b"old")
    touch(rootfs / "etc/untouched", b"base")
    extract_layer(io.BytesIO(data), rootfs, whiteouts="apply")

    assert not (rootfs / "etc/removed").exists()
    assert sorted(p.name for p in (rootfs / "var/cache").iterdir()) == ["fresh"]
    assert (rootfs / "etc/untouched").read_bytes() == b"base"
    assert (rootfs / "etc/hosts").read_bytes() == b"127.0.0.1 localhost\n"
    assert stat.S_IMODE((rootfs / "bin/su").stat().st_mode) == 0o4755
    assert (rootfs / "bin/su-again").stat().st_ino == (rootfs / "bin/su").stat().st_ino
    assert os.readlink(rootfs / "etc/localtime") == "/usr/share/zoneinfo/UTC"

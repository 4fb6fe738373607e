"""Layer extraction: every entry type, replacement, whiteouts, hostile archives.

These run as root on developer machines and as an ordinary user in CI; where
privileges change the outcome, the test probes what this machine allows and
checks that outcome instead of skipping.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady, HutchError, UnsafeArchive
from hutch.store.tarextract import ExtractResult, _rmtree_at, clean_name, extract_layer

CAP_NET_BIND = b"\x01\x00\x00\x02\x00\x04\x00\x00" + b"\x00" * 12  # VFS_CAP v2, cap 10


@dataclass
class E:
    """One tar entry to build."""

    name: str
    type: bytes = tarfile.REGTYPE
    data: bytes = b""
    mode: int = 0o644
    linkname: str = ""
    uid: int = field(default_factory=os.geteuid)
    gid: int = field(default_factory=os.getegid)
    mtime: int = 1_600_000_000
    xattrs: dict[str, bytes] = field(default_factory=dict)
    dev: tuple[int, int] = (0, 0)


def make_tar(*entries: E) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(
        fileobj=buf, mode="w", format=tarfile.PAX_FORMAT, errors="surrogateescape"
    ) as tar:
        for e in entries:
            info = tarfile.TarInfo(e.name)
            info.type = e.type
            info.mode = e.mode
            info.uid, info.gid = e.uid, e.gid
            info.mtime = e.mtime
            info.linkname = e.linkname
            info.devmajor, info.devminor = e.dev
            info.pax_headers = {
                f"SCHILY.xattr.{k}": v.decode("utf-8", "surrogateescape")
                for k, v in e.xattrs.items()
            }
            if e.type == tarfile.REGTYPE:
                info.size = len(e.data)
                tar.addfile(info, io.BytesIO(e.data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def D(name: str, **kw: object) -> E:
    kw.setdefault("mode", 0o755)
    return E(name, tarfile.DIRTYPE, **kw)  # type: ignore[arg-type]


def extract(
    data: bytes, dest: Path, whiteouts: str = "apply", chown: str = "strict"
) -> ExtractResult:
    return extract_layer(io.BytesIO(data), dest, whiteouts=whiteouts, chown=chown)  # type: ignore[arg-type]


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    d = tmp_path / "dest"
    d.mkdir()
    return d


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A sentinel directory beside dest that no archive may touch."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret").write_text("keep")
    return d


def assert_untouched(tmp_path: Path, outside: Path) -> None:
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest", "outside"]
    assert [p.name for p in outside.iterdir()] == ["secret"]
    secret = outside / "secret"
    assert secret.read_text() == "keep"
    assert secret.lstat().st_nlink == 1


def can_mknod_device(tmp_path: Path) -> bool:
    probe = tmp_path / "probe-null"
    try:
        os.mknod(probe, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        return False
    probe.unlink()
    return True


# -- paths ---------------------------------------------------------------------


def test_clean_name_accepts_dot_prefix_and_inner_dotdot() -> None:
    assert clean_name("./a/b") == ("a", "b")
    assert clean_name("./a/../b/") == ("b",)
    assert clean_name("./") == ()


@pytest.mark.parametrize("name", ["/etc/passwd", "../x", "a/../../x", "./../x"])
def test_clean_name_refuses_escapes(name: str) -> None:
    with pytest.raises(UnsafeArchive):
        clean_name(name)


# -- entry types ---------------------------------------------------------------


def test_every_entry_type(dest: Path, tmp_path: Path) -> None:
    data = make_tar(
        D("./"),
        D("./etc", mode=0o750, mtime=1_000),
        E("./etc/hosts", data=b"127.0.0.1 localhost\n", mode=0o640, mtime=2_000),
        E("./bin/tool", data=b"#!/bin/sh\n", mode=0o4755),
        E("./etc/link", tarfile.SYMTYPE, linkname="/etc/passwd", mtime=3_000),
        E("./etc/hard", tarfile.LNKTYPE, linkname="./etc/hosts"),
        E("./run/fifo", tarfile.FIFOTYPE, mode=0o620),
        E("./dev/null", tarfile.CHRTYPE, mode=0o666, dev=(1, 3)),
        E("./dev/loop9", tarfile.BLKTYPE, mode=0o660, dev=(7, 9)),
    )
    devices_allowed = can_mknod_device(tmp_path)
    result = extract(data, dest)

    hosts = dest / "etc/hosts"
    assert hosts.read_bytes() == b"127.0.0.1 localhost\n"
    assert stat.S_IMODE(hosts.stat().st_mode) == 0o640
    assert hosts.stat().st_mtime == 2_000
    assert stat.S_IMODE((dest / "bin/tool").stat().st_mode) == 0o4755
    etc = (dest / "etc").stat()
    assert stat.S_IMODE(etc.st_mode) == 0o750
    assert etc.st_mtime == 1_000  # set after its children were created
    assert os.readlink(dest / "etc/link") == "/etc/passwd"
    assert (dest / "etc/link").lstat().st_mtime == 3_000
    assert (dest / "etc/hard").stat().st_ino == hosts.stat().st_ino
    assert hosts.stat().st_nlink == 2
    fifo = (dest / "run/fifo").lstat()
    assert stat.S_ISFIFO(fifo.st_mode) and stat.S_IMODE(fifo.st_mode) == 0o620
    assert result.size == len(b"127.0.0.1 localhost\n") + len(b"#!/bin/sh\n")
    if devices_allowed:
        null = (dest / "dev/null").lstat()
        assert stat.S_ISCHR(null.st_mode) and null.st_rdev == os.makedev(1, 3)
        loop = (dest / "dev/loop9").lstat()
        assert stat.S_ISBLK(loop.st_mode) and loop.st_rdev == os.makedev(7, 9)
        assert result.skipped == ()
    else:
        assert not (dest / "dev/null").exists()
        assert not (dest / "dev/loop9").exists()
        assert len(result.skipped) == 2
        assert result.skipped[0].startswith("dev/null: device 1:3")


def test_missing_parents_are_created(dest: Path) -> None:
    extract(make_tar(E("a/b/c/file", data=b"x")), dest)
    assert (dest / "a/b/c/file").read_bytes() == b"x"
    assert stat.S_IMODE((dest / "a/b").stat().st_mode) == 0o755


def test_read_only_directory_can_still_be_filled(dest: Path) -> None:
    extract(make_tar(D("ro", mode=0o555), E("ro/f", data=b"x"), D("ro/sub", mode=0o500)), dest)
    assert (dest / "ro/f").read_bytes() == b"x"
    assert stat.S_IMODE((dest / "ro").stat().st_mode) == 0o555
    assert stat.S_IMODE((dest / "ro/sub").stat().st_mode) == 0o500


def test_root_entry_sets_mode_of_dest(dest: Path) -> None:
    extract(make_tar(D("./", mode=0o711, mtime=5)), dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o711
    assert dest.stat().st_mtime == 5


def test_xattrs_user_binary_and_overlay_refused(dest: Path) -> None:
    raw = b"\xff\x00\xfe binary"
    result = extract(
        make_tar(
            E("f", xattrs={"user.note": b"hello", "user.raw": raw, "user.hutch.unmapped": b"0:0"}),
            D("d", xattrs={"user.overlay.opaque": b"y", "user.dirnote": b"1"}),
        ),
        dest,
    )
    assert os.getxattr(dest / "f", "user.note") == b"hello"
    assert os.getxattr(dest / "f", "user.raw") == raw
    assert os.getxattr(dest / "d", "user.dirnote") == b"1"
    assert "user.overlay.opaque" not in os.listxattr(dest / "d")
    assert any("user.overlay.opaque" in s for s in result.skipped)
    # hutch's mark of an id a build step's map left out (runtime/userns_copy.py)
    assert "user.hutch.unmapped" not in os.listxattr(dest / "f")


def test_privileged_xattrs_follow_privilege(dest: Path) -> None:
    tar = make_tar(
        E("ping", mode=0o755, xattrs={"security.capability": CAP_NET_BIND}),
        E("t", xattrs={"trusted.x": b"1"}),
    )
    result = extract(tar, dest, chown="ignore")
    if os.geteuid() == 0:
        assert os.getxattr(dest / "ping", "security.capability") == CAP_NET_BIND
        assert os.getxattr(dest / "t", "trusted.x") == b"1"
        assert result.skipped == ()
    else:
        assert result.skipped == (
            "ping: xattr security.capability (Operation not permitted)",
            "t: xattr trusted.x (Operation not permitted)",
        )


def test_file_capability_survives_chown(dest: Path) -> None:
    # chown clears security.capability: the xattr must be set after it.
    tar = make_tar(
        E("ping", mode=0o755, uid=0, gid=0, xattrs={"security.capability": CAP_NET_BIND})
    )
    if os.geteuid() == 0:
        extract(tar, dest)
        assert os.getxattr(dest / "ping", "security.capability") == CAP_NET_BIND
    else:
        with pytest.raises(HutchError):
            extract(tar, dest)


def test_ownership_strict_and_ignore(dest: Path, tmp_path: Path) -> None:
    tar = make_tar(
        E("f", uid=1234, gid=2345, mode=0o2755),
        E("l", tarfile.SYMTYPE, linkname="f", uid=1234, gid=2345),
    )
    if os.geteuid() == 0:
        extract(tar, dest)
        assert (dest / "f").lstat().st_uid == 1234
        assert (dest / "f").lstat().st_gid == 2345
        assert (dest / "l").lstat().st_uid == 1234
        # the set-gid bit is applied after chown, which would clear it
        assert stat.S_IMODE((dest / "f").stat().st_mode) == 0o2755
    else:
        with pytest.raises(HostNotReady, match="1234:2345") as err:
            extract(tar, dest)
        assert err.value.hint is not None and "subordinate" in err.value.hint
    other = tmp_path / "other"
    other.mkdir()
    extract(tar, other, chown="ignore")
    assert (other / "f").exists()


# -- replacement ---------------------------------------------------------------


def test_later_entries_replace_earlier_ones(dest: Path, outside: Path, tmp_path: Path) -> None:
    extract(
        make_tar(
            E("f", data=b"one"),
            E("f", data=b"two"),
            E("dir2file/inner", data=b"x"),
            E("dir2file", data=b"now a file"),
            E("file2dir", data=b"x"),
            D("file2dir"),
            E("file2dir/child", data=b"c"),
            E("file2link", data=b"x"),
            E("file2link", tarfile.SYMTYPE, linkname="f"),
            E("link2dir", tarfile.SYMTYPE, linkname=str(outside)),
            D("link2dir"),
            E("link2dir/new", data=b"inside"),
        ),
        dest,
    )
    assert (dest / "f").read_bytes() == b"two"
    assert (dest / "dir2file").read_bytes() == b"now a file"
    assert (dest / "file2dir/child").read_bytes() == b"c"
    assert os.readlink(dest / "file2link") == "f"
    assert not (dest / "link2dir").is_symlink()
    assert (dest / "link2dir/new").read_bytes() == b"inside"
    assert_untouched(tmp_path, outside)


def test_existing_directory_keeps_content(dest: Path) -> None:
    (dest / "d").mkdir()
    (dest / "d/old").write_text("lower")
    extract(make_tar(D("d", mode=0o700, mtime=7), E("d/new", data=b"x")), dest)
    assert (dest / "d/old").read_text() == "lower"
    assert (dest / "d/new").exists()
    assert stat.S_IMODE((dest / "d").stat().st_mode) == 0o700
    assert (dest / "d").stat().st_mtime == 7


def test_hardlink_to_content_already_in_dest(dest: Path) -> None:
    (dest / "lower").write_text("from a lower layer")
    extract(make_tar(E("upper", tarfile.LNKTYPE, linkname="lower")), dest)
    assert (dest / "upper").stat().st_ino == (dest / "lower").stat().st_ino


def test_hardlink_to_missing_target_is_an_error(dest: Path) -> None:
    with pytest.raises(HutchError, match="does not exist"):
        extract(make_tar(E("h", tarfile.LNKTYPE, linkname="nowhere/x")), dest)


# -- whiteouts -----------------------------------------------------------------


def test_overlay_whiteouts_become_overlay_markers(dest: Path) -> None:
    extract(
        make_tar(
            D("d"),
            E("d/.wh..wh..opq"),
            E("d/kept", data=b"x"),
            E(".wh.gone"),
            E("sub/.wh.also-gone"),
        ),
        dest,
        whiteouts="overlay",
    )
    for path in (dest / "gone", dest / "sub/also-gone"):
        info = path.lstat()
        assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(0, 0)
    assert os.getxattr(dest / "d", "user.overlay.opaque") == b"y"
    assert (dest / "d/kept").exists()
    assert not any(p.name.startswith(".wh.") for p in dest.rglob("*"))


def test_apply_whiteouts_remove_lower_content(dest: Path) -> None:
    for rel in ("a", "d/x", "d/sub/y", "e/f", "e/g", "o/old", "o/sub/old2"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text("lower")
    result = extract(
        make_tar(
            E(".wh.a"),
            D("d"),
            E("d/.wh..wh..opq"),
            E("d/new", data=b"n"),
            E("e/.wh.f"),
            E("same", data=b"mine"),
            E(".wh.same"),  # a whiteout never hides its own layer
            E("o/keep", data=b"k"),
            E("o/sub/new", data=b"n"),
            E("o/.wh..wh..opq"),  # after the layer's own children: they stay
            E(".wh..wh.plnk"),
        ),
        dest,
    )
    assert not (dest / "a").exists()
    assert sorted(p.name for p in (dest / "d").iterdir()) == ["new"]
    assert not (dest / "e/f").exists() and (dest / "e/g").exists()
    assert (dest / "same").read_bytes() == b"mine"
    assert sorted(str(p.relative_to(dest)) for p in (dest / "o").rglob("*")) == [
        "o/keep",
        "o/sub",
        "o/sub/new",
    ]
    assert not any(p.name.startswith(".wh.") for p in dest.rglob("*"))
    assert result.skipped == (".wh..wh.plnk: aufs metadata",)


def test_apply_whiteout_of_missing_entry_is_fine(dest: Path) -> None:
    extract(make_tar(E("x/.wh.never-there")), dest)
    assert (dest / "x").is_dir()
    assert list((dest / "x").iterdir()) == []


# -- hostile archives ----------------------------------------------------------


def hostile_cases(outside: Path) -> dict[str, bytes]:
    return {
        "absolute": make_tar(E(f"{outside}/pwned", data=b"x")),
        "dotdot": make_tar(E("../outside/pwned", data=b"x")),
        "inner-dotdot": make_tar(E("a/b/../../../outside/pwned", data=b"x")),
        "symlink-then-file": make_tar(
            E("a", tarfile.SYMTYPE, linkname=str(outside)), E("a/pwned", data=b"x")
        ),
        "symlink-then-dir": make_tar(E("a", tarfile.SYMTYPE, linkname=str(outside)), D("a/pwned")),
        "relative-symlink": make_tar(
            E("a", tarfile.SYMTYPE, linkname="../outside"), E("a/pwned", data=b"x")
        ),
        "dotdot-chain": make_tar(
            E("l1", tarfile.SYMTYPE, linkname=".."),
            E("l2", tarfile.SYMTYPE, linkname="l1/.."),
            E("l2/outside/pwned", data=b"x"),
        ),
        "symlink-chain-in-dirs": make_tar(
            D("d"),
            E("d/up", tarfile.SYMTYPE, linkname="../.."),
            E("d/up/outside/pwned", data=b"x"),
        ),
        "hardlink-escape": make_tar(E("h", tarfile.LNKTYPE, linkname="../outside/secret")),
        "hardlink-etc-passwd": make_tar(E("h", tarfile.LNKTYPE, linkname="../../etc/passwd")),
        "hardlink-absolute": make_tar(E("h", tarfile.LNKTYPE, linkname=f"{outside}/secret")),
        "hardlink-through-symlink": make_tar(
            E("s", tarfile.SYMTYPE, linkname=str(outside)),
            E("h", tarfile.LNKTYPE, linkname="s/secret"),
        ),
        "whiteout-through-symlink": make_tar(
            E("s", tarfile.SYMTYPE, linkname=str(outside)), E("s/.wh.secret")
        ),
        "opaque-through-symlink": make_tar(
            E("s", tarfile.SYMTYPE, linkname=str(outside)), E("s/.wh..wh..opq")
        ),
        "whiteout-dotdot": make_tar(D("d"), E("d/.wh..."), E("../outside/.wh.secret")),
        "root-replaced-by-symlink": make_tar(E("./", tarfile.SYMTYPE, linkname=str(outside))),
    }


CASES = sorted(hostile_cases(Path("/x")))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("whiteouts", ["overlay", "apply"])
def test_hostile_archive_is_refused_and_nothing_escapes(
    case: str, whiteouts: str, dest: Path, outside: Path, tmp_path: Path
) -> None:
    data = hostile_cases(outside)[case]
    with pytest.raises(UnsafeArchive) as err:
        extract(data, dest, whiteouts=whiteouts)
    assert "refusing" in str(err.value)
    assert_untouched(tmp_path, outside)


def test_symlink_already_in_dest_is_not_followed(dest: Path, outside: Path, tmp_path: Path) -> None:
    (dest / "usr").symlink_to(outside)
    with pytest.raises(UnsafeArchive, match="usr"):
        extract(make_tar(E("usr/bin/pwned", data=b"x")), dest)
    with pytest.raises(UnsafeArchive):
        extract(make_tar(E("h", tarfile.LNKTYPE, linkname="usr/secret")), dest)
    assert_untouched(tmp_path, outside)


def test_symlink_as_final_component_is_replaced_not_followed(
    dest: Path, outside: Path, tmp_path: Path
) -> None:
    (dest / "f").symlink_to(outside / "secret")
    (dest / "d").symlink_to(outside)
    outside_mode = outside.stat().st_mode
    extract(make_tar(E("f", data=b"new"), D("d", mode=0o700), E("x", tarfile.FIFOTYPE)), dest)
    assert (dest / "f").read_bytes() == b"new" and not (dest / "f").is_symlink()
    assert not (dest / "d").is_symlink()
    assert outside.stat().st_mode == outside_mode
    assert_untouched(tmp_path, outside)


def test_hardlink_to_a_symlink_links_the_symlink_itself(
    dest: Path, outside: Path, tmp_path: Path
) -> None:
    extract(
        make_tar(
            E("s", tarfile.SYMTYPE, linkname=str(outside / "secret")),
            E("h", tarfile.LNKTYPE, linkname="s"),
        ),
        dest,
    )
    assert (dest / "h").is_symlink()
    assert_untouched(tmp_path, outside)


# -- streams, compression and digests ------------------------------------------


SAMPLE = make_tar(D("d"), E("d/f", data=b"hello" * 1000), E("g", data=b"bye"))


def zstd_compress(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


@pytest.mark.parametrize("compression", ["none", "gzip", "zstd"])
def test_digests_and_compression(compression: str, dest: Path) -> None:
    given = {"none": SAMPLE, "gzip": gzip.compress(SAMPLE), "zstd": zstd_compress(SAMPLE)}[
        compression
    ]
    result = extract(given, dest)
    assert result.compression == compression
    assert result.diff_id == "sha256:" + hashlib.sha256(SAMPLE).hexdigest()
    assert result.compressed_digest == "sha256:" + hashlib.sha256(given).hexdigest()
    assert result.size == 5003
    assert (dest / "d/f").read_bytes() == b"hello" * 1000


def test_diff_id_covers_padding_after_end_of_archive(dest: Path) -> None:
    padded = SAMPLE + b"\0" * 8192
    result = extract(gzip.compress(padded), dest)
    assert result.diff_id == "sha256:" + hashlib.sha256(padded).hexdigest()


class OnlyRead:
    """A non-seekable stream, like an HTTP response body."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buf.read(min(size, 7) if size > 0 else size)


def test_non_seekable_source_in_small_reads(dest: Path) -> None:
    given = zstd_compress(SAMPLE)
    result = extract_layer(OnlyRead(given), dest, whiteouts="apply")  # type: ignore[arg-type]
    assert result.diff_id == "sha256:" + hashlib.sha256(SAMPLE).hexdigest()
    assert result.compressed_digest == "sha256:" + hashlib.sha256(given).hexdigest()


def test_empty_layer(dest: Path) -> None:
    result = extract(b"\0" * 1024, dest)
    assert list(dest.iterdir()) == []
    assert result.size == 0


@pytest.mark.parametrize(
    "data",
    [
        gzip.compress(SAMPLE)[:-20],
        zstd_compress(SAMPLE)[:-20],
        b"not a tar at all" * 64,
        SAMPLE[:700],
    ],
    ids=["truncated-gzip", "truncated-zstd", "garbage", "truncated-tar"],
)
def test_corrupt_input_is_a_hutch_error(data: bytes, dest: Path) -> None:
    with pytest.raises(HutchError):
        extract(data, dest)


def test_missing_zstd_command(dest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = zstd_compress(SAMPLE)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(HostNotReady, match="zstd") as err:
        extract(given, dest)
    assert err.value.hint is not None and "apt-get install zstd" in err.value.hint


@pytest.mark.parametrize("fmt", ["gnu", "posix"])
def test_sparse_members_stay_sparse(dest: Path, tmp_path: Path, fmt: str) -> None:
    # GNU tar's sparse encodings (old GNU headers, and PAX 1.0): a 1 GiB file
    # with two small data regions must not be written out in full.
    src = tmp_path / "src"
    src.mkdir()
    apparent = 1 << 30
    with open(src / "holes", "wb") as f:
        f.write(b"head")
        f.seek(apparent // 2)
        f.write(b"middle")
        f.truncate(apparent)
    archive = tmp_path / f"sparse-{fmt}.tar"
    subprocess.run(
        ["tar", f"--format={fmt}", "--sparse", "-C", str(src), "-cf", str(archive), "holes"],
        check=True,
    )
    assert archive.stat().st_size < 64 << 10
    with open(archive, "rb") as f:
        result = extract_layer(f, dest, whiteouts="overlay", chown="ignore")
    out = dest / "holes"
    info = out.stat()
    assert info.st_size == apparent
    assert info.st_blocks * 512 < 1 << 20  # not 1 GiB of zeros
    with open(out, "rb") as f:
        assert f.read(4) == b"head"
        f.seek(apparent // 2 - 2)
        assert f.read(10) == b"\0\0middle\0\0"
    assert result.size == apparent


def test_replacing_a_directory_removes_it_without_following_symlinks(tmp_path: Path) -> None:
    # _rmtree_at stands in for shutil.rmtree(dir_fd=), which Python 3.10 lacks.
    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "file").write_text("x")
    victim = tmp_path / "root" / "victim"
    (victim / "sub" / "deeper").mkdir(parents=True)
    (victim / "sub" / "f").write_text("y")
    (victim / "link-dir").symlink_to(outside / "keep")
    (victim / "sub" / "link-file").symlink_to(outside / "keep" / "file")
    parent_fd = os.open(tmp_path / "root", os.O_PATH | os.O_DIRECTORY)
    try:
        _rmtree_at("victim", parent_fd)
    finally:
        os.close(parent_fd)
    assert not victim.exists()
    assert (outside / "keep" / "file").read_text() == "x"

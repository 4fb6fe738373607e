"""The two halves of ``cp`` on plain directories: target rules, round trips, refusals."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from hutch.api.errors import HutchError, InvalidArgument, UnsafeArchive
from hutch.store.copytar import (
    DestMissing,
    Owner,
    SourcePath,
    extract_copy,
    extract_into_dir,
    plan_target,
    write_source_tar,
)


@pytest.mark.parametrize(
    ("dest", "kind", "is_dir", "contents", "expected"),
    [
        ("/d", "dir", False, False, "/d/f"),
        ("/x", "file", False, False, "/x"),
        ("/new", "missing", False, False, "/new"),
        ("/new", "missing", True, False, "/new"),
        ("/d", "dir", True, False, "/d/f"),
        ("/d", "dir", True, True, "/d"),
    ],
)
def test_plan_target(dest: str, kind: str, is_dir: bool, contents: bool, expected: str) -> None:
    got = plan_target(
        dest,
        kind,  # type: ignore[arg-type]
        src_is_dir=is_dir,
        basename="f",
        contents_only=contents,
        overwrite=False,
    )
    assert got == expected


@pytest.mark.parametrize("is_dir", [False, True])
def test_a_missing_destination_ending_in_a_slash_is_refused(is_dir: bool) -> None:
    # podman: a path ending in / must be an existing directory, whatever is copied
    with pytest.raises(DestMissing) as caught:
        plan_target(
            "/no/", "missing", src_is_dir=is_dir, basename="f", contents_only=False, overwrite=False
        )
    assert (caught.value.dest, caught.value.not_dir) == ("/no/", False)


def test_plan_target_refusals() -> None:
    with pytest.raises(
        InvalidArgument, match=r"^destination must be a directory when copying a directory$"
    ):
        plan_target(
            "/x", "file", src_is_dir=True, basename="f", contents_only=False, overwrite=False
        )
    assert (
        plan_target(
            "/x", "file", src_is_dir=True, basename="f", contents_only=False, overwrite=True
        )
        == "/x"
    )


@pytest.mark.parametrize(
    ("text", "path", "contents"),
    [("/a/b", "/a/b", False), ("/a/b/.", "/a/b", True), (".", ".", True), ("/.", "/", True)],
)
def test_source_path_parse(text: str, path: str, contents: bool) -> None:
    assert SourcePath.parse(text) == SourcePath(path, contents)


def _tar_of(source: SourcePath) -> bytes:
    buf = io.BytesIO()
    write_source_tar(source, buf)
    return buf.getvalue()


def _tree(base: Path) -> Path:
    src = base / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "f").write_text("content")
    (src / "sub" / "f").chmod(0o640)
    os.link(src / "sub" / "f", src / "hard")
    (src / "rel").symlink_to("sub/f")
    return src


def test_round_trip_directory(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    dest = tmp_path / "dest"
    extract_copy(
        io.BytesIO(_tar_of(SourcePath(str(src), False))),
        str(dest),
        contents_only=False,
        overwrite=False,
        owner=Owner(os.getuid(), os.getgid()),
    )
    assert (dest / "sub" / "f").read_text() == "content"
    assert (dest / "sub" / "f").stat().st_mode & 0o777 == 0o640
    assert (dest / "hard").stat().st_ino == (dest / "sub" / "f").stat().st_ino
    assert os.readlink(dest / "rel") == "sub/f"


def test_contents_only_into_existing_dir(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    dest = tmp_path / "dest"
    dest.mkdir()
    extract_copy(
        io.BytesIO(_tar_of(SourcePath(str(src), True))),
        str(dest),
        contents_only=True,
        overwrite=False,
        owner=None,
    )
    assert (dest / "sub" / "f").is_file()
    assert not (dest / "src").exists()


def test_existing_symlink_is_replaced_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_text("precious")
    (tmp_path / "f").write_text("new")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "f").symlink_to(outside)
    extract_copy(
        io.BytesIO(_tar_of(SourcePath(str(tmp_path / "f"), False))),
        str(dest),
        contents_only=False,
        overwrite=False,
        owner=None,
    )
    assert outside.read_text() == "precious"
    assert not (dest / "f").is_symlink()
    assert (dest / "f").read_text() == "new"


def _raw_tar(*entries: tarfile.TarInfo) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for entry in entries:
            tar.addfile(entry, io.BytesIO(b"x" * entry.size) if entry.isreg() else None)
    buf.seek(0)
    return buf


def _entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.size = 1 if kind == tarfile.REGTYPE else 0
    return info


def test_stream_cannot_write_through_its_own_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    stream = _raw_tar(_entry("l", tarfile.SYMTYPE, str(outside)), _entry("l/evil"))
    with pytest.raises(UnsafeArchive):
        extract_into_dir(stream, str(dest), overwrite=False, owner=None)
    assert list(outside.iterdir()) == []


def test_stream_refuses_dotdot(tmp_path: Path) -> None:
    with pytest.raises(UnsafeArchive):
        extract_into_dir(_raw_tar(_entry("../evil")), str(tmp_path), overwrite=False, owner=None)
    assert not (tmp_path.parent / "evil").exists()


def test_stream_creates_missing_parents(tmp_path: Path) -> None:
    extract_into_dir(_raw_tar(_entry("a/b/c")), str(tmp_path), overwrite=False, owner=None)
    assert (tmp_path / "a" / "b" / "c").read_bytes() == b"x"


def test_stream_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(InvalidArgument, match="must be a directory"):
        extract_into_dir(_raw_tar(_entry("a")), str(tmp_path / "f"), overwrite=False, owner=None)


def test_directory_over_file_needs_overwrite(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a").write_text("file")
    with pytest.raises(InvalidArgument, match="--overwrite"):
        extract_into_dir(
            _raw_tar(_entry("a", tarfile.DIRTYPE)), str(dest), overwrite=False, owner=None
        )
    extract_into_dir(_raw_tar(_entry("a", tarfile.DIRTYPE)), str(dest), overwrite=True, owner=None)
    assert (dest / "a").is_dir()


def test_empty_stream_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(HutchError, match="tar stream"):
        extract_copy(
            io.BytesIO(b""), str(tmp_path), contents_only=False, overwrite=False, owner=None
        )


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="no such file"):
        write_source_tar(SourcePath(str(tmp_path / "nope"), False), io.BytesIO())


def test_skip_below_keeps_the_mount_point_only(tmp_path: Path) -> None:
    (tmp_path / "proc" / "1").mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    buf = io.BytesIO()
    write_source_tar(
        SourcePath(str(tmp_path), True), buf, top_name=".", skip_below=(str(tmp_path / "proc"),)
    )
    buf.seek(0)
    with tarfile.open(fileobj=buf) as tar:
        assert sorted(tar.getnames()) == ["etc", "proc"]


def test_a_symlink_source_is_followed_unless_told_not_to(tmp_path: Path) -> None:
    """podman's cp (and docker's -L) copy the link's target; docker's default the link."""
    (tmp_path / "f").write_text("data\n")
    (tmp_path / "l").symlink_to("f")
    (tmp_path / "d").symlink_to(tmp_path)  # a parent that is a link is still resolved
    for follow, kind in ((True, tarfile.REGTYPE), (False, tarfile.SYMTYPE)):
        out = io.BytesIO()
        write_source_tar(SourcePath.parse(str(tmp_path / "d" / "l")), out, follow_link=follow)
        out.seek(0)
        with tarfile.open(fileobj=out) as tar:
            [entry] = tar.getmembers()
        assert (entry.name, entry.type) == ("l", kind)
        assert entry.linkname == ("" if follow else "f")


def test_a_tar_stream_needs_a_directory_and_a_tar_in_podmans_words(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    tar = _raw_tar(_entry("a", tarfile.DIRTYPE))
    for dest in (tmp_path / "file", tmp_path / "missing"):
        with pytest.raises(InvalidArgument) as caught:
            extract_into_dir(tar, str(dest), overwrite=False, owner=None)
        assert str(caught.value) == "destination must be a directory when copying from stdin"
    with pytest.raises(DestMissing):
        extract_into_dir(tar, f"{tmp_path}/missing/", overwrite=False, owner=None)
    with pytest.raises(HutchError) as not_tar:
        extract_into_dir(io.BytesIO(b"notatar\n"), str(tmp_path), overwrite=False, owner=None)
    assert str(not_tar.value) == "source must be a (compressed) tar archive when copying from stdin"


def test_a_destination_below_a_file_or_a_missing_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    tar = _tar_of(SourcePath(str(tmp_path / "file"), False))
    below_file = f"{tmp_path}/file/x"
    with pytest.raises(DestMissing) as caught:
        extract_copy(io.BytesIO(tar), below_file, contents_only=False, overwrite=False, owner=None)
    assert (caught.value.dest, caught.value.not_dir) == (below_file, True)
    no_parent = f"{tmp_path}/nodir/x"
    with pytest.raises(DestMissing) as caught:
        extract_copy(io.BytesIO(tar), no_parent, contents_only=False, overwrite=False, owner=None)
    assert (caught.value.dest, caught.value.not_dir) == (no_parent, False)

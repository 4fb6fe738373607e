"""util/treeremove.py: the removal of container trees without shutil: nested trees,
symlinks to outside never followed, directories a container left unreadable or
unwritable (as an unprivileged user: root's DAC override would hide them), entries
that vanish or change kind under it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hutch.util import treeremove
from hutch.util.treeremove import remove_tree
from unit.subid_root import as_namespace_root

NOBODY = 65534


@pytest.fixture
def base() -> Iterator[Path]:
    """A directory an unprivileged user can reach (pytest's tmp_path is root's 0700)."""
    path = Path(tempfile.mkdtemp(prefix="hutch-treeremove-"))
    path.chmod(0o755)
    yield path
    for top, dirs, _files in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(top, d), 0o700, follow_symlinks=False)
    shutil.rmtree(path)


def unprivileged(
    base: Path, action: Callable[[], None], *, root_owned: tuple[Path, ...] = ()
) -> None:
    """Run ``action`` as a plain user: as root, in a child that owns ``base`` as nobody
    (but for ``root_owned``, left root's with 0700 or 0755)."""
    if os.geteuid() != 0:
        action()
        return
    for top, dirs, files in os.walk(base):
        for name in [*dirs, *files]:
            os.chown(os.path.join(top, name), NOBODY, NOBODY, follow_symlinks=False)
    os.chown(base, NOBODY, NOBODY)
    for path in root_owned:
        os.chown(path, 0, 0)
        path.chmod(0o700 if path.name == "closed" else 0o755)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            action()
            code = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_removes_a_nested_tree(base: Path) -> None:
    top = base / "t"
    (top / "a" / "b" / "c").mkdir(parents=True)
    for d in (top, top / "a", top / "a" / "b", top / "a" / "b" / "c"):
        (d / "f").write_text("x")
    os.mkfifo(top / "a" / "fifo")
    (top / "a" / "hard").hardlink_to(top / "f")
    remove_tree(top)
    assert not top.exists()
    assert list(base.iterdir()) == []


def test_never_follows_a_symlink_out(base: Path) -> None:
    outside = base / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "f").write_text("x")
    top = base / "t"
    (top / "d").mkdir(parents=True)
    (top / "to_dir").symlink_to(outside)
    (top / "d" / "to_file").symlink_to(outside / "keep" / "f")
    (top / "d" / "dangling").symlink_to(base / "nothing")
    remove_tree(top)
    assert not top.exists()
    assert (outside / "keep" / "f").read_text() == "x"


def test_a_symlink_given_as_the_tree_goes_not_its_target(base: Path) -> None:
    (base / "target").mkdir()
    (base / "target" / "f").write_text("x")
    (base / "link").symlink_to(base / "target")
    remove_tree(base / "link")
    assert not (base / "link").is_symlink()
    assert (base / "target" / "f").exists()


def test_a_missing_path_or_a_file(base: Path) -> None:
    remove_tree(base / "nothing")
    (base / "file").write_text("x")
    remove_tree(str(base / "file"))
    assert list(base.iterdir()) == []


def test_directories_a_container_made_unreadable_or_unwritable(base: Path) -> None:
    top = base / "t"
    for name, mode in (("ro", 0o500), ("noexec", 0o600), ("none", 0o000), ("wx", 0o300)):
        (top / name / "sub").mkdir(parents=True)
        (top / name / "sub" / "f").write_text("x")
        (top / name / "f").write_text("x")
        (top / name / "l").symlink_to("/etc/passwd")
        (top / name / "sub").chmod(mode)
        (top / name).chmod(mode)
    top.chmod(0o500)
    unprivileged(base, lambda: remove_tree(top))
    assert not top.exists()


def test_entries_that_vanish_or_turn_into_a_symlink(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the listing and the removal another process removes an entry and puts a
    symlink to outside where a directory was: neither is an error, nothing outside goes."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "f").write_text("x")
    top = base / "t"
    (top / "gone_dir" / "x").mkdir(parents=True)
    (top / "swapped").mkdir()
    (top / "gone_file").write_text("x")
    listing = treeremove._names

    def racing(fd: int) -> list[tuple[str, bool]]:
        entries = listing(fd)
        if {"gone_dir", "swapped"} <= {name for name, _ in entries}:
            shutil.rmtree(top / "gone_dir")
            (top / "gone_file").unlink()
            (top / "swapped").rmdir()
            (top / "swapped").symlink_to(outside)
        return entries

    monkeypatch.setattr(treeremove, "_names", racing)
    remove_tree(top)
    assert not top.exists()
    assert (outside / "f").read_text() == "x"


@as_namespace_root  # needs directories of another owner
def test_a_directory_refused_even_so_is_left_and_a_file_raises(base: Path) -> None:
    """What cannot go after the retry (here root's, for nobody): a directory stays for
    the caller to see; a file raises its error, as the shutil handler's unlink did."""
    top = base / "t"
    (top / "closed" / "inner").mkdir(parents=True)
    (base / "open").mkdir()
    (base / "open" / "f").write_text("x")
    (top / "mine").mkdir()

    def remove() -> None:
        try:
            remove_tree(base / "open")
        except PermissionError:
            assert (base / "open" / "f").exists()
        else:
            raise AssertionError("a file it cannot unlink must raise")
        remove_tree(top)
        assert (top / "closed").is_dir() and not (top / "mine").exists()

    unprivileged(base, remove, root_owned=(top / "closed", base / "open"))
    assert (top / "closed" / "inner").is_dir()

"""The chowned copy's id shift (runtime/userns_copy.py): an image id the map leaves
out gets the overflow id, as fuse-overlayfs shows it, and a build step's copied-up
entry gets its image id back; hard links are shifted once."""

from __future__ import annotations

import os
from pathlib import Path

from hutch.runtime.ids import IdMapEntry
from hutch.runtime.userns_copy import (
    UNMAPPED_MARK,
    IdShift,
    inward,
    outward,
    shift_tree,
    unshift_tree,
)
from unit.subid_root import as_namespace_root

SMALL = (IdMapEntry(0, 1000, 1000),)  # --uidmap 0:1000:1000: container 0..999
WIDE = (IdMapEntry(0, 1000, 65000),)  # covers the session's 65534 (container 64534)


def test_a_mapped_id_goes_to_its_session_id_and_back() -> None:
    assert outward(SMALL, 65534, 0) == 1000
    assert outward(SMALL, 65534, 999) == 1999
    assert inward(SMALL, 65534, 1999, None) == 999


def test_an_id_outside_the_map_gets_the_overflow_id() -> None:
    """/home/user's 1000 is no container id of 0:1000:1000: the session's 65534, which
    the container sees as nobody (session 1000 would show it as root)."""
    assert outward(SMALL, 65534, 1000) == 65534
    assert outward(SMALL, 65534, 70000) == 65534
    # where the session has no 65534, the id stays (the old way)
    assert outward(SMALL, None, 1000) == 1000


def test_a_marked_entry_still_owned_by_the_overflow_id_gets_its_image_id_back() -> None:
    assert inward(SMALL, 65534, 65534, 1000) == 1000
    # unmarked: the overflow id is no session id of the map: left as it is
    assert inward(SMALL, 65534, 65534, None) is None
    # marked but chowned by the step since (its root, session 1000): the step's id
    assert inward(SMALL, 65534, 1000, 1000) == 0
    # a mark of an id the map has (the other id of the pair was left out): the map's
    assert inward(SMALL, 65534, 1000, 0) == 0
    # no 65534 in the session: the id stayed, and is given back
    assert inward(SMALL, None, 1000, 1000) == 1000


def test_where_the_map_covers_the_overflow_id_the_mark_tells_them_apart() -> None:
    """0:1000:65000: the session's 65534 is the container's 64534, as fuse-overlayfs
    shows an unmapped owner there; unmarked, it is that container id."""
    assert outward(WIDE, 65534, 65100) == 65534
    assert inward(WIDE, 65534, 65534, 65100) == 65100
    assert inward(WIDE, 65534, 65534, None) == 64534


def _owner(path: Path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_uid, st.st_gid


def _mark(path: Path) -> bytes | None:
    try:
        return os.getxattr(path, UNMAPPED_MARK, follow_symlinks=False)
    except OSError:
        return None


@as_namespace_root  # chowns to other IDs
def test_a_tree_shifted_and_unshifted_has_its_owners_again(tmp_path: Path) -> None:
    ids = IdShift(SMALL, SMALL, 65534, 65534)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "f").write_text("x")
    os.symlink("f", tmp_path / "home" / "l")
    os.chown(tmp_path / "home", 1000, 1000)
    os.chown(tmp_path / "home" / "f", 1000, 5)  # gid 5 is mapped, uid 1000 is not
    os.lchown(tmp_path / "home" / "l", 1000, 1000)
    os.chown(tmp_path, 0, 0)
    shift_tree(tmp_path, ids, mark=True)
    assert _owner(tmp_path) == (1000, 1000)
    assert _owner(tmp_path / "home") == (65534, 65534)
    assert _owner(tmp_path / "home" / "f") == (65534, 1005)
    assert _owner(tmp_path / "home" / "l") == (65534, 65534)
    assert _mark(tmp_path / "home") == b"1000:1000"
    assert _mark(tmp_path / "home" / "f") == b"1000:5"
    assert _mark(tmp_path) is None
    unshift_tree(tmp_path, ids)
    assert _owner(tmp_path) == (0, 0)
    assert _owner(tmp_path / "home") == (1000, 1000)
    assert _owner(tmp_path / "home" / "f") == (1000, 5)
    # a symlink takes no user xattr: it keeps the overflow id
    assert _owner(tmp_path / "home" / "l") == (65534, 65534)
    assert _mark(tmp_path / "home") is None and _mark(tmp_path / "home" / "f") is None


@as_namespace_root  # chowns to other IDs
def test_without_mark_a_container_copy_has_no_xattr(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    os.chown(tmp_path / "f", 1000, 1000)
    shift_tree(tmp_path, IdShift(SMALL, SMALL, 65534, 65534))
    assert _owner(tmp_path / "f") == (65534, 65534) and _mark(tmp_path / "f") is None


@as_namespace_root  # chowns to other IDs
def test_a_hard_linked_file_is_shifted_once(tmp_path: Path) -> None:
    """cp -a keeps hard links: a second name's chown would shift the file again."""
    (tmp_path / "a").write_text("x")
    os.link(tmp_path / "a", tmp_path / "b")
    os.chown(tmp_path / "a", 5, 5)
    ids = IdShift(SMALL, SMALL, 65534, 65534)
    shift_tree(tmp_path, ids)
    assert _owner(tmp_path / "b") == (1005, 1005)
    unshift_tree(tmp_path, ids)
    assert _owner(tmp_path / "a") == (5, 5)


@as_namespace_root  # chowns to other IDs
def test_a_renamed_copy_up_keeps_its_mark(tmp_path: Path) -> None:
    """What the kernel copied up and the step renamed carries the mark with it."""
    (tmp_path / "moved").write_text("x")
    os.chown(tmp_path / "moved", 65534, 65534)
    os.setxattr(tmp_path / "moved", UNMAPPED_MARK, b"1234:1234")
    unshift_tree(tmp_path, IdShift(SMALL, SMALL, 65534, 65534))
    assert _owner(tmp_path / "moved") == (1234, 1234)

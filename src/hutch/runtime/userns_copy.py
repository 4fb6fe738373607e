"""The slow way to show an image with a container's own id maps: a chowned copy.

Used only where fuse-overlayfs (which shifts ids on the fly) cannot run. Runs
inside the session namespace, at a container's create or before a build's
mapped RUN step (whose upper dir is shifted back after it: ``unshift_tree``):
each lower layer is copied (``cp -a``: modes, times, xattrs such as
``user.overlay.opaque``, whiteout devices, hard links) into the container's (or
the step's) directory, then every entry owned by session id N is given the
session id that the container's N maps to, so that the container sees N.

An image id the map leaves out gets the kernel's overflow id (65534), as
fuse-overlayfs shows it and containers/storage's chown of a layer gives it (its
``ToHostOverflow``): the container then sees it as fuse-overlayfs would show it,
nobody unless the map itself covers the session's 65534. A build step's copies
also keep such an entry's image ids in an xattr (``UNMAPPED_MARK``), which the
kernel's copy-up carries to the upper dir: ``unshift_tree`` gives an entry still
owned by the overflow id its image id back, as fuse-overlayfs's copy-up keeps it.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hutch.runtime.ids import IdMapEntry, map_to_host, map_to_inside, parse_map
from hutch.runtime.spec import Rootfs

UNMAPPED_MARK = "user.hutch.unmapped"  # "UID:GID", an entry's image ids, one left out
DEFAULT_OVERFLOW = 65534  # the kernel's, where /proc/sys/kernel/overflow[ug]id is missing


@dataclass(frozen=True)
class IdShift:
    """One container's (or step's) maps, and the session ids an id they leave out gets
    (None: the session has no such id; the id then stays as it is)."""

    uid_map: tuple[IdMapEntry, ...]
    gid_map: tuple[IdMapEntry, ...]
    overflow_uid: int | None = DEFAULT_OVERFLOW
    overflow_gid: int | None = DEFAULT_OVERFLOW


def session_shift(uid_map: tuple[IdMapEntry, ...], gid_map: tuple[IdMapEntry, ...]) -> IdShift:
    """``IdShift`` with this host's overflow ids, where this namespace has them."""
    return IdShift(uid_map, gid_map, _overflow("uid"), _overflow("gid"))


def _overflow(kind: str) -> int | None:
    try:
        with open(f"/proc/sys/kernel/overflow{kind}") as f:
            value = int(f.read())
    except (OSError, ValueError):
        value = DEFAULT_OVERFLOW
    try:
        with open(f"/proc/self/{kind}_map") as f:
            own = parse_map(f.read())
    except OSError:
        return value
    return value if map_to_host(own, value) is not None else None


def outward(entries: tuple[IdMapEntry, ...], overflow: int | None, image_id: int) -> int:
    """The session id an image id is given: the one its container id maps to, else
    the overflow id."""
    host = map_to_host(entries, image_id)
    if host is not None:
        return host
    return image_id if overflow is None else overflow


def inward(
    entries: tuple[IdMapEntry, ...], overflow: int | None, session_id: int, image_id: int | None
) -> int | None:
    """``outward`` undone: the container id ``session_id`` is, where the map has it;
    ``image_id`` (the entry's mark) where the entry still has the id ``outward`` gave
    that unmapped image id; None: leave the owner as it is."""
    if (
        image_id is not None
        and map_to_host(entries, image_id) is None
        and session_id == outward(entries, overflow, image_id)
    ):
        return image_id
    return map_to_inside(entries, session_id)


def shift_tree(root: Path, ids: IdShift, *, mark: bool = False) -> None:
    """chown every entry under ``root`` (itself included) through the maps; with
    ``mark``, an entry with an id they leave out keeps its ids in ``UNMAPPED_MARK``."""

    def out(path: str, st: os.stat_result) -> None:
        uid = outward(ids.uid_map, ids.overflow_uid, st.st_uid)
        gid = outward(ids.gid_map, ids.overflow_gid, st.st_gid)
        _set_owner(path, st, uid, gid)
        left_out = map_to_host(ids.uid_map, st.st_uid) is None or (
            map_to_host(ids.gid_map, st.st_gid) is None
        )
        if mark and left_out:
            try:
                value = f"{st.st_uid}:{st.st_gid}".encode()
                os.setxattr(path, UNMAPPED_MARK, value, follow_symlinks=False)
            except OSError:
                pass  # symlinks and devices take no user xattrs: they keep the overflow id

    _walk(root, out)


def unshift_tree(root: Path, ids: IdShift) -> None:
    """``shift_tree`` undone: an entry owned by the session id a container id maps to
    is given that container id, one marked and still owned by the overflow id its
    image id (what a mapped build step wrote or copied up, back to image ids); the
    marks go."""

    def back(path: str, st: os.stat_result) -> None:
        marked = _read_mark(path)
        image_uid, image_gid = (None, None) if marked is None else marked
        uid = inward(ids.uid_map, ids.overflow_uid, st.st_uid, image_uid)
        gid = inward(ids.gid_map, ids.overflow_gid, st.st_gid, image_gid)
        _set_owner(path, st, uid, gid)
        if marked is not None:
            os.removexattr(path, UNMAPPED_MARK, follow_symlinks=False)

    _walk(root, back)


def _read_mark(path: str) -> tuple[int, int] | None:
    try:
        value = os.getxattr(path, UNMAPPED_MARK, follow_symlinks=False)
    except OSError:
        return None  # none (ENODATA), or no xattrs here
    uid, _, gid = value.decode(errors="replace").partition(":")
    try:
        return int(uid), int(gid)
    except ValueError:
        return None


_Visit = Callable[[str, os.stat_result], None]


def _walk(root: Path, visit: _Visit) -> None:
    """``visit`` every entry once: a hard-linked file at its first name only (a chown
    of one name is one of all; a second visit would shift it twice)."""
    seen: set[tuple[int, int]] = set()

    def once(path: str) -> None:
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
            if (st.st_dev, st.st_ino) in seen:
                return
            seen.add((st.st_dev, st.st_ino))
        visit(path, st)

    for top, dirs, files in os.walk(root):
        once(top)
        for name in files:
            once(os.path.join(top, name))
        for name in dirs:
            if os.path.islink(os.path.join(top, name)):  # not walked into
                once(os.path.join(top, name))


def _set_owner(path: str, st: os.stat_result, uid: int | None, gid: int | None) -> None:
    if (uid is None or uid == st.st_uid) and (gid is None or gid == st.st_gid):
        return  # nothing to change (no chown: it would clear set-id bits for nothing)
    os.lchown(path, -1 if uid is None else uid, -1 if gid is None else gid)
    if stat.S_ISREG(st.st_mode) and st.st_mode & 0o6000:
        os.chmod(path, stat.S_IMODE(st.st_mode))  # chown cleared the set-id bits


def copy_lowers(
    rootfs: Rootfs,
    dest: Path,
    uid_map: tuple[IdMapEntry, ...],
    gid_map: tuple[IdMapEntry, ...],
    *,
    mark: bool = False,
) -> Rootfs:
    """Chowned copies of ``rootfs``'s lower layers under ``dest``; the rootfs using them.
    ``mark``: a build step's, whose upper dir ``unshift_tree`` shifts back."""
    ids = session_shift(uid_map, gid_map)
    if rootfs.kind == "bind":  # vfs: the container already has its own full copy
        shift_tree(Path(rootfs.target), ids, mark=mark)
        return rootfs
    dest.mkdir(parents=True, exist_ok=True)
    # the root dir shows the upper's owner (a build stage's: its earlier steps' files)
    shift_tree(Path(rootfs.upper), ids, mark=mark)
    lowers = []
    for i, lower in enumerate(rootfs.lowers):
        target = dest / str(i)
        subprocess.run(
            ["cp", "-a", "--", os.path.join(rootfs.lower_base, lower), str(target)],
            check=True,
            capture_output=True,
        )
        shift_tree(target, ids, mark=mark)
        lowers.append(str(i))
    return Rootfs(
        kind=rootfs.kind,
        target=rootfs.target,
        lowers=tuple(lowers),
        lower_base=str(dest),
        upper=rootfs.upper,
        work=rootfs.work,
        readonly=rootfs.readonly,
    )

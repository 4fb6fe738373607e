"""The slow way to show an image with a container's own id maps: a chowned copy.

Used only where fuse-overlayfs (which shifts ids on the fly) cannot run. Runs
inside the session namespace, at a container's create or before a build's
mapped RUN step (whose upper dir is shifted back after it: ``unshift_tree``):
each lower layer is copied (``cp -a``: modes, times, xattrs such as
``user.overlay.opaque``, whiteout devices, hard links) into the container's (or
the step's) directory, then every entry owned by session id N is given the
session id that the container's N maps to, so that the container sees N.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from hutch.runtime.ids import IdMapEntry, map_to_host
from hutch.runtime.spec import Rootfs


def shift_tree(
    root: Path, uid_map: tuple[IdMapEntry, ...], gid_map: tuple[IdMapEntry, ...]
) -> None:
    """chown every entry under ``root`` (itself included) through the maps."""
    _walk(root, lambda uid: map_to_host(uid_map, uid), lambda gid: map_to_host(gid_map, gid))


def unshift_tree(
    root: Path, uid_map: tuple[IdMapEntry, ...], gid_map: tuple[IdMapEntry, ...]
) -> None:
    """``shift_tree`` undone: an entry owned by the session id a container id maps to
    is given that container id (what a mapped build step wrote, back to image ids)."""
    _walk(root, lambda uid: _inside(uid_map, uid), lambda gid: _inside(gid_map, gid))


def _inside(entries: tuple[IdMapEntry, ...], outside: int) -> int | None:
    for e in entries:
        if e.outside <= outside < e.outside + e.count:
            return e.inside + outside - e.outside
    return None


_Shift = Callable[[int], int | None]


def _walk(root: Path, uid_of: _Shift, gid_of: _Shift) -> None:
    for top, dirs, files in os.walk(root):
        _shift(top, uid_of, gid_of)
        for name in files:
            _shift(os.path.join(top, name), uid_of, gid_of)
        for name in dirs:
            if os.path.islink(os.path.join(top, name)):  # not walked into
                _shift(os.path.join(top, name), uid_of, gid_of)


def _shift(path: str, uid_of: _Shift, gid_of: _Shift) -> None:
    st = os.lstat(path)
    uid = uid_of(st.st_uid)
    gid = gid_of(st.st_gid)
    if (uid is None or uid == st.st_uid) and (gid is None or gid == st.st_gid):
        return  # nothing to change (no chown: it would clear set-id bits for nothing)
    os.lchown(path, -1 if uid is None else uid, -1 if gid is None else gid)
    if stat.S_ISREG(st.st_mode) and st.st_mode & 0o6000:
        os.chmod(path, stat.S_IMODE(st.st_mode))  # chown cleared the set-id bits


def copy_lowers(
    rootfs: Rootfs, dest: Path, uid_map: tuple[IdMapEntry, ...], gid_map: tuple[IdMapEntry, ...]
) -> Rootfs:
    """Chowned copies of ``rootfs``'s lower layers under ``dest``; the rootfs using them."""
    if rootfs.kind == "bind":  # vfs: the container already has its own full copy
        shift_tree(Path(rootfs.target), uid_map, gid_map)
        return rootfs
    dest.mkdir(parents=True, exist_ok=True)
    shift_tree(Path(rootfs.upper), uid_map, gid_map)  # the root dir shows the upper's owner
    lowers = []
    for i, lower in enumerate(rootfs.lowers):
        target = dest / str(i)
        subprocess.run(
            ["cp", "-a", "--", os.path.join(rootfs.lower_base, lower), str(target)],
            check=True,
            capture_output=True,
        )
        shift_tree(target, uid_map, gid_map)
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

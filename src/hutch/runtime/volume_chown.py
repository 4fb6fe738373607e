"""The ``U`` mount option: hand a mounted tree to the container's user (and a new
volume's top directory, ``Mount.own``).

Runs in the container init after the mount plan and before ``pivot_root``,
inside the session user namespace, where chown to the container's uid N
gives the file the host's subordinate id that N maps to.
"""

from __future__ import annotations

import contextlib
import errno
import os

from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import Mount


def chown_mounts(root: str, mounts: tuple[Mount, ...], uid: int, gid: int) -> None:
    for mount in mounts:
        if mount.chown:
            chown_tree(resolve_in_root(root, mount.destination), uid, gid)
        elif mount.own:
            _chown(resolve_in_root(root, mount.destination), uid, gid)


def chown_tree(top: str, uid: int, gid: int) -> None:
    try:
        _chown(top, uid, gid)
    except OSError as exc:
        if exc.errno == errno.EROFS:
            return  # a read-only mount keeps its owners
        raise
    for parent, dirs, files in os.walk(top):
        for name in dirs + files:
            with contextlib.suppress(FileNotFoundError):
                _chown(os.path.join(parent, name), uid, gid)


def _chown(path: str, uid: int, gid: int) -> None:
    if os.lstat(path).st_uid != uid or os.lstat(path).st_gid != gid:
        os.chown(path, uid, gid, follow_symlinks=False)

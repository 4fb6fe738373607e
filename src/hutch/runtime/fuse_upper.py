"""An upper dir fuse-overlayfs wrote, in the kernel overlay's form.

A build step whose rootfs fuse-overlayfs showed with other IDs (build
--userns-uid-map) leaves its upper dir in fuse-overlayfs's own form: an opaque
directory holds a ``.wh..wh..opq`` file and carries ``user.fuseoverlayfs.opaque``
and a 0/0 device ``.wh..opq`` (measured: fuse-overlayfs 1.10), and a whiteout
may be a ``.wh.NAME`` file where it could not make a 0/0 device. The upper dir becomes a
layer of the store as it is, a lower dir of the kernel's overlay from then on,
which would show those files; so they become overlay's 0/0 devices and
``user.overlay.opaque``, and fuse-overlayfs's xattrs go.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

_OPAQUE_FILE = ".wh..wh..opq"
_WHITEOUT = ".wh."
_OPAQUE_XATTR = "user.overlay.opaque"
_OWN_XATTRS = "user.fuseoverlayfs."


def to_overlay_form(upper: Path) -> None:
    for top, dirs, files in os.walk(upper):
        del dirs  # each is a ``top`` in its turn
        _drop_own_xattrs(top)
        names = set(files)
        if _OPAQUE_FILE in names:
            names.discard(_OPAQUE_FILE)
            os.unlink(os.path.join(top, _OPAQUE_FILE))
            companion = _OPAQUE_FILE[len(_WHITEOUT) :]
            if companion in names and _whiteout(os.path.join(top, companion)):
                names.discard(companion)
                os.unlink(os.path.join(top, companion))
            os.setxattr(top, _OPAQUE_XATTR, b"y", follow_symlinks=False)
        for name in sorted(names):
            path = os.path.join(top, name)
            if name.startswith(_WHITEOUT) and _empty_file(path):
                os.unlink(path)
                hidden = os.path.join(top, name[len(_WHITEOUT) :])
                if not os.path.lexists(hidden):
                    os.mknod(hidden, stat.S_IFCHR, os.makedev(0, 0))
            else:
                _drop_own_xattrs(path)


def _whiteout(path: str) -> bool:
    info = os.lstat(path)
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == 0


def _empty_file(path: str) -> bool:
    info = os.lstat(path)
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _drop_own_xattrs(path: str) -> None:
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return
    for attr in names:
        if attr.startswith(_OWN_XATTRS):
            with contextlib.suppress(OSError):
                os.removexattr(path, attr, follow_symlinks=False)

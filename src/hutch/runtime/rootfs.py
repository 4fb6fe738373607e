"""Mounting a container's root filesystem (in the monitor's mount namespace).

The monitor mounts the rootfs before it forks the container init, so the
init inherits it, and a FUSE helper (fuse-overlayfs) lives beside the
monitor rather than inside the container where its processes could see and
kill it. The monitor stops the helper when the container is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Sequence

from hutch.linux import syscalls as sc
from hutch.runtime.spec import Rootfs

# subprocess (and the threading it imports) only where fuse-overlayfs is started:
# the monitor keeps every module it loaded for the container's whole life.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess


def mount_rootfs(rootfs: Rootfs) -> subprocess.Popen[bytes] | None:
    """Mount ``rootfs.target``; returns the FUSE helper process if one was started."""
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    if rootfs.kind == "bind":
        sc.mount(rootfs.target, rootfs.target, None, sc.MS_BIND | sc.MS_REC)
        return None
    # Relative lower dirs (resolved against the cwd at mount time) keep the
    # mount data under the kernel's one-page limit for images with many layers.
    os.chdir(rootfs.lower_base)
    if rootfs.kind == "overlay":
        lowers = ":".join(rootfs.lowers)
        data = f"lowerdir={lowers},upperdir={rootfs.upper},workdir={rootfs.work},userxattr"
        if rootfs.volatile:
            _mount_volatile(rootfs, data)
        else:
            sc.mount("overlay", rootfs.target, "overlay", 0, data)
        return None
    if rootfs.kind == "fuse-overlayfs":
        return fuse_overlayfs(rootfs)
    raise OSError(errno.EINVAL, f"unsupported rootfs kind {rootfs.kind}")


def _mount_volatile(rootfs: Rootfs, data: str) -> None:
    """The overlay with ``volatile`` (Linux 5.10), or without where the kernel refuses it.

    A volatile mount leaves ``work/incompat/volatile/dirty`` in its work dir,
    and the kernel refuses to mount that work dir again until it is gone (its
    upper may have lost writes in a crash): a --rm container started once more
    (``restart``, a start after its caller died) takes its upper as it is.
    """
    marker = os.path.join(rootfs.work, "work", "incompat", "volatile")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(marker, "dirty"))
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(marker)
    try:
        sc.mount("overlay", rootfs.target, "overlay", 0, data + ",volatile")
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        sc.mount("overlay", rootfs.target, "overlay", 0, data)


def fuse_overlayfs(rootfs: Rootfs, extra: Sequence[str] = ()) -> subprocess.Popen[bytes]:
    """Start fuse-overlayfs on ``rootfs.target`` and wait until it is mounted.

    The lower dirs are relative: the caller has changed into ``lower_base``.
    ``extra`` are more ``-o`` options (the id mappings of a shifted rootfs).
    A helper that exits, or does not mount within 10 s, is an ``OSError``
    with its errno set (EIO, ETIMEDOUT), which the monitor reports.
    """
    options = ",".join(
        (
            f"lowerdir={':'.join(rootfs.lowers)}",
            f"upperdir={rootfs.upper}",
            f"workdir={rootfs.work}",
            *extra,
        )
    )
    import subprocess

    helper = subprocess.Popen(
        ["fuse-overlayfs", "-f", "-o", options, rootfs.target],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _is_mountpoint(rootfs.target):
            return helper
        if helper.poll() is not None:
            err = helper.stderr.read().decode(errors="replace") if helper.stderr else ""
            raise OSError(errno.EIO, f"fuse-overlayfs failed: {err.strip()}")
        time.sleep(0.005)
    helper.kill()
    raise OSError(errno.ETIMEDOUT, "fuse-overlayfs did not mount within 10 s")


def _is_mountpoint(path: str) -> bool:
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == path for line in f)

"""The holder of one image's shared mount (``runtime/imageshare.py``).

    python -S -m hutch.runtime.imageshare_holder DIR LAYERS READY_FD LOWER...

Started detached by the command that starts a container with ``--mount
type=image`` (engine/image_share.py), in the session user namespace. It
mounts the image read-only (an overlay of its layers, LOWER top first,
relative to LAYERS so the mount data stays under a page) in a mount
namespace of its own, keeps a detached copy of that mount as a descriptor
and drops the attached one; it then checks that an overlay takes the copy as
its lower layer (Linux 6.15 on) and writes the descriptor's number on
READY_FD, or ``unsupported: WHY`` and exits, and the containers mount the
layers themselves. It lives until every user process of DIR/users is gone
(it watches them through pidfds) and, looked at again under DIR/lock, none
came meanwhile. Standard library only, and the syscall and procfs helpers.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

from hutch.linux import syscalls as sc
from hutch.runtime import imageshare

# the users are looked at again this often even when no watched process ends (a
# user whose process could not be watched: pidfd_open missing or refused; a user moved
# from a command that lives on, as the API service, to the monitor)
_RESCAN = 5.0


def mount_layers(directory: Path, layers: str, lowers: list[str]) -> int:
    """A descriptor of a detached, read-only overlay of ``lowers``."""
    sc.unshare(sc.CLONE_NEWNS)
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    stage, empty = directory / "stage", directory / "empty"
    for d in (stage, empty):
        d.mkdir(mode=0o700, exist_ok=True)
    if len(lowers) < 2:  # overlay wants two lower dirs when it has no upper one
        lowers = [*lowers, str(empty)] if lowers else [str(empty), str(empty)]
    cwd = os.getcwd()
    os.chdir(layers)
    try:
        data = f"lowerdir={':'.join(lowers)},userxattr"
        sc.mount("overlay", str(stage), "overlay", sc.MS_RDONLY, data)
    finally:
        os.chdir(cwd)
    try:
        fd = sc.open_tree(str(stage), sc.OPEN_TREE_CLONE | sc.OPEN_TREE_CLOEXEC)
    finally:
        sc.umount2(str(stage), sc.MNT_DETACH)
    # what each container's init will do: an overlay over the detached mount
    probe = f"lowerdir=/proc/self/fd/{fd}:{empty},userxattr"
    sc.mount("overlay", str(stage), "overlay", sc.MS_RDONLY, probe)
    sc.umount2(str(stage), sc.MNT_DETACH)
    return fd


def serve(directory: Path) -> None:
    """Until every user has gone (and none came while we looked, under the lock)."""
    while True:
        users = imageshare.live_users(directory)
        if not users:
            with imageshare.locked(directory):
                if not imageshare.live_users(directory, prune=True):
                    (directory / imageshare.HOLDER).unlink(missing_ok=True)
                    return
            continue
        _wait_any(list(users.values()))


def _wait_any(pids: list[int]) -> None:
    """Until one of ``pids`` ends (or the rescan time passes)."""
    fds = []
    for pid in pids:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:
            for fd in fds:
                os.close(fd)
            return  # gone already: look again at once
        except OSError:
            continue
    try:
        if not fds:
            time.sleep(1.0)
            return
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        poller.poll(_RESCAN * 1000)
    finally:
        for fd in fds:
            os.close(fd)


def main(argv: list[str]) -> None:
    directory, layers, ready = Path(argv[0]), argv[1], int(argv[2])
    try:
        fd = mount_layers(directory, layers, argv[3:])
    except OSError as exc:
        os.write(ready, f"unsupported: {exc}\n".encode())
        sys.exit(3)
    os.write(ready, f"{fd}\n".encode())
    os.close(ready)
    serve(directory)


if __name__ == "__main__":
    main(sys.argv[1:])

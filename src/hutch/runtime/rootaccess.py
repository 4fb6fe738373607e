"""Running a piece of work inside a container's root filesystem.

The work runs in a forked child that has ``chroot``ed into the container's
root, so every path it opens, and every symlink it follows, is resolved by
the kernel inside that root: a hostile ``/x -> /etc`` in the container can
only ever lead to the container's own ``/etc``.

A running container's root is ``/proc/<init pid>/root`` (its mounts, volumes
included, are seen as the container sees them, and what is written there is
visible to it at once). A stopped container's root is mounted by the child
itself in a private mount namespace, which vanishes with the child. The
caller must already be inside the session user namespace.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hutch.api.errors import HutchError, InvalidArgument, UnsafeArchive
from hutch.linux import syscalls as sc
from hutch.runtime.spec import Rootfs

_ERRORS: dict[str, type[HutchError]] = {
    "InvalidArgument": InvalidArgument,
    "UnsafeArchive": UnsafeArchive,
}


@dataclass(frozen=True)
class RootAccess:
    """How to reach a container's root: a live init's, or its rootfs to mount."""

    init_pid: int = 0
    rootfs: Rootfs | None = None
    writable: bool = False


@dataclass
class Child:
    pid: int
    error_fd: int

    def wait(self) -> None:
        """Wait for the child; raise what it failed with."""
        chunks = []
        while True:
            data = os.read(self.error_fd, 65536)
            if not data:
                break
            chunks.append(data)
        os.close(self.error_fd)
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            return
        kind, _, message = b"".join(chunks).decode(errors="replace").partition("\n")
        raise _ERRORS.get(kind, HutchError)(message or "copying in the container failed")


def run_in_root(
    access: RootAccess, work: Callable[[], None], *, close_in_child: Sequence[int] = ()
) -> Child:
    """Fork a child that enters the container's root and runs ``work`` there."""
    read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        for fd in close_in_child:
            os.close(fd)
        code = 0
        try:
            helper = _enter(access)
            try:
                work()
            finally:
                if helper is not None:
                    helper.send_signal(signal.SIGTERM)
        except HutchError as exc:
            os.write(write_fd, f"{type(exc).__name__}\n{exc}".encode())
            code = 1
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            os.write(write_fd, f"OSError\n{where}{exc.strerror or exc}".encode())
            code = 1
        except BaseException:
            os.write(write_fd, f"Error\n{traceback.format_exc()}".encode())
            code = 1
        try:
            sys.stdout.flush()
        finally:
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd)


def _enter(access: RootAccess) -> subprocess.Popen[bytes] | None:
    if access.init_pid:
        os.chroot(f"/proc/{access.init_pid}/root")
        os.chdir("/")
        return None
    rootfs = access.rootfs
    if rootfs is None:
        raise HutchError("no root filesystem to enter")
    helper = None
    if rootfs.kind != "bind":
        sc.unshare(sc.CLONE_NEWNS)
        helper = _mount(rootfs, access.writable)
    os.chroot(rootfs.target)
    os.chdir("/")
    return helper


def _mount(rootfs: Rootfs, writable: bool) -> subprocess.Popen[bytes] | None:
    from hutch.runtime.rootfs import mount_rootfs

    if writable or rootfs.kind != "overlay":
        return mount_rootfs(rootfs)
    # Reading only: the upper dir joins the lower dirs, so nothing (not even
    # the work dir) is touched.
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    os.chdir(rootfs.lower_base)
    lowers = ":".join((rootfs.upper, *rootfs.lowers))
    sc.mount("overlay", rootfs.target, "overlay", sc.MS_RDONLY, f"lowerdir={lowers},userxattr")
    return None

"""Choosing the storage driver: native overlay, fuse-overlayfs, or vfs.

The choice is probed once (inside the session user namespace, where the
mounts will happen) and recorded in ``storage/driver``; later commands read
one small file. ``HUTCH_STORAGE_DRIVER`` or the ``storage.driver`` setting
overrides the probe.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import InvalidArgument
from hutch.config.paths import Paths
from hutch.linux import hostcheck, syscalls
from hutch.util.atomic import write_atomic
from hutch.util.tools import which

DRIVERS = ("overlay", "fuse-overlayfs", "vfs")


@dataclass(frozen=True)
class DriverChoice:
    name: str
    reason: str
    probed: bool = False  # chosen by this command (the first): say so once if it is vfs


VFS_NOTE = (
    "storage driver vfs chosen ({reason}): every container and build step copies its "
    "image's files in full; this note is shown once (hutch info shows the choice)"
)


def overlay_options(lowers: list[str], upper: str, work: str) -> str:
    """Mount data for native overlay in a user namespace.

    ``userxattr`` makes overlay keep its metadata (opaque dirs, redirects) in
    ``user.overlay.*`` xattrs, the only ones an unprivileged mounter may set.
    """
    return f"lowerdir={':'.join(lowers)},upperdir={upper},workdir={work},userxattr"


def probe_overlay(scratch: Path) -> str | None:
    """Try a real overlay mount in a throwaway mount namespace; None if it works."""
    for sub in ("lower", "upper", "work", "merged"):
        (scratch / sub).mkdir(parents=True, exist_ok=True)
    (scratch / "lower" / "f").write_text("x")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        try:
            syscalls.unshare(syscalls.CLONE_NEWNS)
            syscalls.mount(None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)
            data = overlay_options(
                [str(scratch / "lower")], str(scratch / "upper"), str(scratch / "work")
            )
            syscalls.mount("overlay", str(scratch / "merged"), "overlay", 0, data)
            (scratch / "merged" / "f").write_text("y")  # forces a copy-up
            os._exit(0)
        except OSError as exc:
            os.write(write_fd, str(exc).encode())
            os._exit(1)
    os.close(write_fd)
    message = os.read(read_fd, 4096).decode(errors="replace")
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    ok = os.waitstatus_to_exitcode(status) == 0
    return None if ok else (message or "overlay mount failed")


def fuse_overlayfs_usable() -> str | None:
    """None if fuse-overlayfs can work for this user, else why not."""
    if not which("fuse-overlayfs"):
        return "fuse-overlayfs is not installed"
    if not os.access("/dev/fuse", os.R_OK | os.W_OK):
        return "/dev/fuse is not readable and writable (fix as root: chmod 0666 /dev/fuse)"
    return None


def choose_driver(paths: Paths, override: str | None) -> DriverChoice:
    """The recorded choice, or probe and record one."""
    if override:
        if override not in DRIVERS:
            raise InvalidArgument(
                f"unknown storage driver {override!r}: choose one of {', '.join(DRIVERS)}"
            )
        return DriverChoice(override, "set by configuration")
    record = paths.storage / "driver"
    try:
        name, _, reason = record.read_text().partition("\n")
        if name in DRIVERS:
            return DriverChoice(name, reason.strip())
    except FileNotFoundError:
        pass
    choice = _probe(paths)
    paths.storage.mkdir(parents=True, exist_ok=True)
    # Several first commands may probe at once: each writes its own temp file
    # (they agree on the answer; the last rename wins).
    write_atomic(record, f"{choice.name}\n{choice.reason}\n".encode())
    return choice


def _probe(paths: Paths) -> DriverChoice:
    paths.tmp.mkdir(parents=True, exist_ok=True)
    # Named "<pid>-..." like every temp entry, so that a concurrent command's
    # stale-temp cleanup knows it is alive.
    scratch = paths.tmp / f"{os.getpid()}-probe"
    try:
        failure = probe_overlay(scratch)
    finally:
        import shutil  # the probe only: shutil loads bz2 and lzma for its archives

        shutil.rmtree(scratch, ignore_errors=True)
    if failure is None:
        return DriverChoice("overlay", "native overlay mounts with userxattr", True)
    location = hostcheck.storage_location(str(paths.data))
    if not location.ok:  # name the cause and the setting rather than the mount error
        failure = f"{location.value}; fix: {location.fix}"
    fuse_problem = fuse_overlayfs_usable()
    if fuse_problem is None:
        return DriverChoice("fuse-overlayfs", f"native overlay failed: {failure}", True)
    return DriverChoice("vfs", f"native overlay failed: {failure}; {fuse_problem}", True)

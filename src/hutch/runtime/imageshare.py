"""One mount of an image's layers for every running container that mounts the image.

``--mount type=image`` (engine/image_volumes.py) puts an overlay of the
image at the destination. Where the kernel lets an overlay take a detached
mount as its lower layer (Linux 6.15 on), the layers are mounted once, by a
small holder process (``runtime/imageshare_holder.py``) that keeps that
mount as a descriptor, and each container's overlay stands on it: its own
mount, read-only over an empty dir or with its own upper dir, as podman's
overlays stand on the image it mounts once. Where it cannot, the container
mounts the layers itself (the overlay's own lower dirs), as before.

The share of image ID lives in ``RUNTIME/imageshare/ID``:

- ``holder``: ``PID START FD``, the holder and its descriptor of the mount
  (``/proc/PID/fd/FD`` reaches it from the container's init);
- ``users/CONTAINER``: ``PID START`` of the process whose life is that
  container's use: the command starting it, then its monitor;
- ``lock``: flock over both. The command starting a container writes its user
  file and finds or starts the holder under it; the holder, when every user
  process is gone, looks again under it and ends (its descriptor, and with it
  the mount, go when the last container's overlay lets go). So a start racing
  the last stop either is seen by the holder or starts a new one.

The containers' own overlays hold the shared mount (the kernel's count), so
a holder that ends early never takes a mount from a running container.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hutch.linux import procfs

HOLDER = "holder"
USERS = "users"
LOCK = "lock"
OPTION = "imageshare"  # the overlay option naming the share (runtime/mounts.py)


@dataclass(frozen=True)
class Holder:
    pid: int
    start: str
    fd: int

    def path(self) -> str:
        return f"/proc/{self.pid}/fd/{self.fd}"


def share_dir(runtime: Path, image_id: str) -> Path:
    return runtime / "imageshare" / image_id


def read_holder(directory: Path) -> Holder | None:
    """The live holder of the share, or None (none, or one that has ended)."""
    try:
        pid, start, fd = (directory / HOLDER).read_text().split()
    except (OSError, ValueError):
        return None
    if not start or procfs.start_time(int(pid)) != start:
        return None
    return Holder(int(pid), start, int(fd))


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def set_user(directory: Path, user: str, pid: int) -> None:
    """``user``'s use lasts as long as process ``pid`` (call under ``locked``)."""
    users = directory / USERS
    users.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = users / f".{user}.tmp"
    tmp.write_text(f"{pid} {procfs.start_time(pid)}\n")
    os.replace(tmp, users / user)


def drop_user(directory: Path, user: str) -> None:
    (directory / USERS / user).unlink(missing_ok=True)


def live_users(directory: Path, *, prune: bool = False) -> dict[str, int]:
    """Each user whose process lives, with its pid; ``prune`` (under ``locked``)
    removes the others' files."""
    out: dict[str, int] = {}
    try:
        names = os.listdir(directory / USERS)
    except FileNotFoundError:
        return out
    for name in names:
        if name.startswith("."):
            continue
        try:
            pid, start = (directory / USERS / name).read_text().split()
        except (OSError, ValueError):
            pid, start = "0", ""
        if start and procfs.start_time(int(pid)) == start:
            out[name] = int(pid)
        elif prune:
            drop_user(directory, name)
    return out


def open_shared(directory: str) -> int | None:
    """A descriptor of the shared mount's root (in the container's init), or None
    when there is no holder: the overlay then takes the layers itself."""
    holder = read_holder(Path(directory))
    if holder is None:
        return None
    try:
        return os.open(holder.path(), os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None  # it ended between the two reads
    except PermissionError:
        # a user namespace of its own (--userns=auto): the private overlay's
        # refusal (runtime/mounts.py) says why
        return None

"""Atomic file writes: temp name in the same directory, fsync, rename."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o644, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that readers see old or new, never half.
    ``durable=False`` leaves out the fsync, for a record that a crash makes moot
    anyway: the rename is as atomic for readers, but after a power loss the file
    may hold the old content (or, on a file system without ext4's ordering of a
    replacing rename, none)."""
    # Unique per writer: the pid alone repeats across pid namespaces (every
    # container monitor is pid 1 of its own).
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}-{os.urandom(6).hex()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)

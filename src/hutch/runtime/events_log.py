"""The event log: one JSON object a line, appended atomically by every writer.

Commands and container monitors append to the same file with ``O_APPEND``
and one ``write`` of a line shorter than ``PIPE_BUF``, which the kernel
writes whole and never interleaves with another writer's line. Nothing
else coordinates the writers. Standard library only: the monitor imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import time

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# POSIX guarantees atomic appends of at most PIPE_BUF bytes only for pipes, but
# Linux writes a regular file's O_APPEND write under one lock; keeping lines
# short also keeps a reader from ever seeing half a line for long.
MAX_LINE = getattr(select, "PIPE_BUF", 4096)


def event_line(
    type_: str,
    action: str,
    id_: str,
    name: str = "",
    image: str = "",
    attributes: dict[str, Any] | None = None,
    now_ns: int | None = None,
) -> bytes:
    record: dict[str, Any] = {
        "time": time.time_ns() if now_ns is None else now_ns,
        "type": type_,
        "action": action,
        "id": id_,
        "name": name,
        "image": image,
        "attributes": attributes or {},
    }
    line = json.dumps(record, separators=(",", ":")).encode() + b"\n"
    if len(line) > MAX_LINE:
        record["attributes"] = {}
        record["image"] = record["image"][:512]
        line = json.dumps(record, separators=(",", ":")).encode() + b"\n"
    return line


def append_event(path: str, line: bytes) -> None:
    """Append one event line; an event that cannot be written is dropped, never fatal."""
    append_events(path, (line,))


def append_events(path: str, lines: Sequence[bytes]) -> None:
    """Append event lines in their order, one ``write`` each (each line whole, as
    ``append_event``'s), through one open of the log: a container's start logs
    two or three (the monitor's, on ``run``'s path)."""
    if not path or not lines:
        return
    fd = open_log(path)
    if fd < 0:
        return
    with contextlib.suppress(OSError):
        for line in lines:
            os.write(fd, line)
    os.close(fd)


def open_log(path: str) -> int:
    """The log open for appending (close-on-exec); -1 when it cannot be opened. Its
    directory is made only when the open says it is missing: once it exists, every
    event paid a mkdir and a stat for nothing."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
    try:
        return os.open(path, flags, 0o600)
    except FileNotFoundError:
        pass
    except OSError:
        return -1
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        return os.open(path, flags, 0o600)
    except OSError:
        return -1

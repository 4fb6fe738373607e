"""The exec sessions of a container, as ``inspect`` shows them (``.ExecIDs``).

Each ``exec`` that got its process running writes one small record,
``<userdata>/exec/<id>.json`` with the session id and the process's pid and
start time (the pair names one process for good: a recycled pid has another
start time). There is no daemon to notice a detached process exit, so a
record is dropped by whoever finds its process gone: the attached ``exec``
itself when its command ends, otherwise the next reader. Records are
written under a dot name and renamed into place, so a reader never sees
half of one; removal tolerates a concurrent remover. The directory goes
with the container's.

Standard library only (with ``hutch.linux.procfs``).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hutch.linux import procfs

DIRECTORY = "exec"


@dataclass(frozen=True)
class ExecSession:
    id: str
    pid: int  # as the engine sees it (the host's pid namespace)
    start: str  # field 22 of /proc/PID/stat when the session was recorded


def record(userdata: Path, session_id: str, pid: int) -> ExecSession | None:
    """Record a running session; None when its process has already ended."""
    start = procfs.start_time(pid)
    if not start:
        return None
    session = ExecSession(session_id, pid, start)
    directory = userdata / DIRECTORY
    directory.mkdir(mode=0o700, exist_ok=True)
    final = directory / f"{session_id}.json"
    tmp = directory / f".{session_id}.{os.getpid()}"
    tmp.write_text(json.dumps({"id": session.id, "pid": session.pid, "start": session.start}))
    os.replace(tmp, final)
    return session


def remove(userdata: Path, session_id: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (userdata / DIRECTORY / f"{session_id}.json").unlink()


def live(userdata: Path) -> list[ExecSession]:
    """The sessions whose process still runs, oldest first; stale records are removed."""
    try:
        names = os.listdir(userdata / DIRECTORY)
    except FileNotFoundError:
        return []
    out = []
    for name in names:
        if name.startswith(".") or not name.endswith(".json"):
            continue  # a record being written
        session = _read(userdata / DIRECTORY / name)
        if session is not None and procfs.start_time(session.pid) == session.start:
            out.append(session)
        elif session is not None:
            with contextlib.suppress(FileNotFoundError):
                (userdata / DIRECTORY / name).unlink()
    return sorted(out, key=lambda s: (int(s.start), s.id))


def _read(path: Path) -> ExecSession | None:
    try:
        data = json.loads(path.read_text())
        return ExecSession(str(data["id"]), int(data["pid"]), str(data["start"]))
    except FileNotFoundError:
        return None  # removed by another reader meanwhile
    except (ValueError, KeyError, TypeError):
        # Not ours to understand: drop it so that it cannot stick around.
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None

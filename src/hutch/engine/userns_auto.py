"""``--userns auto``: a range of session ids per container, recorded so none is shared.

The record is ``storage/userns-auto.json`` (container id -> [start, size]),
changed under a lock; ranges of containers that no longer exist are dropped
on the next allocation, so ``rm`` needs no hook.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from pathlib import Path

from hutch.api.errors import InvalidArgument

DEFAULT_SIZE = 1024  # podman's minimum for auto


def first_fit(taken: Iterable[tuple[int, int]], size: int, lowest: int, end: int) -> int | None:
    """The lowest start >= ``lowest`` of ``size`` free ids below ``end``."""
    start = lowest
    for t_start, t_size in sorted(taken):
        if t_start + t_size <= start:
            continue
        if t_start >= start + size:
            break
        start = t_start + t_size
    return start if start + size <= end else None


def allocate(path: Path, container_id: str, size: int, available: int, live: set[str]) -> int:
    """Reserve ``size`` session ids (never 0, the user) for ``container_id``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            table: dict[str, list[int]] = json.loads(path.read_text())
        except (OSError, ValueError):
            table = {}
        table = {cid: r for cid, r in table.items() if cid in live and cid != container_id}
        start = first_fit(((r[0], r[1]) for r in table.values()), size, 1, available)
        if start is None:
            raise InvalidArgument(
                f"--userns auto: no free range of {size} ids is left in the session "
                f"namespace (ids 1-{available - 1}); remove containers or ask for a smaller size"
            )
        table[container_id] = [start, size]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(table))
        os.replace(tmp, path)
        return start
    finally:
        os.close(fd)

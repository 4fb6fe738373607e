"""``logs``' options and its report of one line.

Apart from api.containers so that ``logs`` and ``inspect`` (engine/container_query.py
serves both) load these two classes, not the other verbs' forty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LogsOptions:
    names: tuple[str, ...]
    follow: bool = False
    tail: int | None = None
    since: str | None = None  # RFC 3339, unix seconds, or a duration before now
    until: str | None = None
    timestamps: bool = False
    # Asked while a follow waits for output: True ends it (an API client that went
    # away; without it a silent container's follow would hold its file forever).
    cancelled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class LogLine:
    timestamp: str
    stream: str
    text: bytes
    partial: bool
    # Whose line it is, set when one read covers several containers (logs A B):
    # the CLI prefixes each line with the id or, with --names, the name.
    container_id: str = ""
    container_name: str = ""
    # The place of that container among the names asked for: ``logs --color`` picks
    # its colour by it, as podman does.
    container_index: int = 0

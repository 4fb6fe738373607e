"""Options and results of ``hutch events``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventsOptions:
    filters: tuple[str, ...] = ()  # type=, event= (or status=), container=, image=
    since: str | None = None  # RFC 3339, unix seconds, or a duration before now
    until: str | None = None
    stream: bool = True  # keep waiting for new events (until --until, if given)
    # Asked while waiting: True ends the stream (an API client that went away).
    cancelled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Event:
    time_ns: int
    type: str  # container, image
    action: str  # create, start, stop, kill, died, remove, restart; import, remove, tag, untag
    id: str
    name: str = ""
    image: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

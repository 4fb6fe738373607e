"""Options and results of ``hutch events``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Attributes the log keeps beside the labels, which podman shows as fields of their own
# (.ContainerExitCode, .Network, .HealthStatus, .PodID), not among .Attributes
RESERVED = ("exitCode", "network", "health_status", "podID")


@dataclass(frozen=True)
class EventsOptions:
    filters: tuple[str, ...] = ()  # KEY=VALUE, engine/events.py's FILTER_KEYS
    since: str | None = None  # RFC 3339, unix seconds, or a duration before now
    until: str | None = None
    stream: bool = True  # keep waiting for new events (until --until, if given)
    # Docker's image filter: the image's containers' events too (podman's: the image's only)
    docker: bool = False
    # Asked while waiting: True ends the stream (an API client that went away).
    cancelled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Event:
    time_ns: int
    type: str  # container, image, network, pod, secret, system, volume
    action: str  # podman's status: create, init, start, attach, died, cleanup, ...
    id: str
    name: str = ""
    image: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

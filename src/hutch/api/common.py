"""Report shapes every noun shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from hutch.api.podman_json import key


@dataclass(frozen=True)
class PruneReport:
    """One per object a prune removed (or failed to): podman's prune report."""

    id: str  # an image id, a volume or network name
    size: int = 0  # bytes reclaimed, where known
    error: str | None = None


@dataclass(frozen=True)
class ImageGraphDriver:
    """An image's or a container's ``GraphDriver`` (both inspect reports have one)."""

    name: str = field(metadata=key("Name"))
    data: dict[str, str] = field(metadata=key("Data"))

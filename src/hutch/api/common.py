"""Report shapes every noun shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PruneReport:
    """One per object a prune removed (or failed to): podman's prune report."""

    id: str  # an image id, a volume or network name
    size: int = 0  # bytes reclaimed, where known
    error: str | None = None

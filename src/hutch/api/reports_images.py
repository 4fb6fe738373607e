"""Results of the image distribution and management commands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PullReport:
    ids: tuple[str, ...]  # image ids (hex), one per pulled tag
    names: tuple[str, ...]


@dataclass(frozen=True)
class PushReport:
    destination: str
    digest: str  # the manifest digest the registry now holds


@dataclass(frozen=True)
class HistoryLine:
    id: str  # image id for the top entry, "<missing>" for the others
    created: str | None
    created_by: str
    size: int
    comment: str
    empty_layer: bool


@dataclass(frozen=True)
class PruneReport:
    deleted: tuple[str, ...]
    reclaimed: int

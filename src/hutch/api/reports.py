"""Results the engine returns: values rendered by the CLI in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImageSummary:
    id: str
    names: tuple[str, ...]
    digest: str
    created: float
    size: int
    containers: int = 0


@dataclass(frozen=True)
class ImportReport:
    id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class RemoveReport:
    """One per name asked for: what was untagged and deleted, or why not."""

    name: str
    untagged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    error: str | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class HostFact:
    name: str
    value: str
    ok: bool
    fix: str = ""


@dataclass(frozen=True)
class InfoReport:
    version: str
    facts: tuple[HostFact, ...] = field(default_factory=tuple)

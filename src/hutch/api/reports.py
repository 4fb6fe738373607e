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
    labels: tuple[tuple[str, str], ...] = ()
    intermediate: bool = False  # an untagged build step result (listed with -a only)


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


@dataclass(frozen=True)
class RunReport:
    id: str
    exit_code: int | None  # None when detached


@dataclass(frozen=True)
class ActionReport:
    """One per container named in stop/kill/rm/start: its id, or why it failed."""

    name: str
    id: str = ""
    error: str | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class ContainerSummary:
    id: str
    name: str
    image: str
    image_id: str
    command: str
    created: float
    status: str  # created, running, paused, exited, stopping
    exit_code: int
    started_at: float
    finished_at: float
    health: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    restart_count: int = 0
    size: int | None = None  # bytes in the writable layer, when asked for
    # (volume name or "", host source or "", destination) of each mount: ps --filter volume
    mounts: tuple[tuple[str, str, str], ...] = ()
    # (host ip, host port, container port, protocol) of each published port
    ports: tuple[tuple[str, int, int, str], ...] = ()


@dataclass(frozen=True)
class LogLine:
    timestamp: str
    stream: str
    text: bytes
    partial: bool

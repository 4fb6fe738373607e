"""Results of the life-cycle commands (top, healthcheck run)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopReport:
    """ps-style output: one header per descriptor, one row per process."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class HealthReport:
    status: str  # healthy, unhealthy, starting
    exit_code: int  # of the check that just ran
    output: str


@dataclass(frozen=True)
class ExecReport:
    """One exec session: its id (podman prints it for ``exec -d``) and exit code."""

    session_id: str
    exit_code: int | None  # None: detached, still running

"""Engine reports as Docker's answers: one container looked up, one action's
report turned into a status, waits on the event log.

The engine acts on names and answers one ``ActionReport`` per name, its
error as text; the container is looked up first (``inspect``), so a missing
one is the engine's own NoSuchObject (404) and a report's error is about the
action (409 for a state that forbids it, as Docker answers). The words are
read as ``hutch.Client`` reads them (``client/reports.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from hutch.api.containers import ActionReport, ContainerInspect
from hutch.api.events import EventsOptions
from hutch.client.reports import report_error

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def inspect_one(engine: Engine, name: str) -> ContainerInspect:
    """The container (NoSuchObject, a 404, when there is none)."""
    return engine.containers.inspect([name])[0]


def check(reports: list[ActionReport]) -> ActionReport:
    """The one report, or its error raised as ``hutch.Client`` raises it (the error
    table in errors.py makes it Docker's status: 404, 409, else 500)."""
    report = reports[0]
    if report.error is None:
        return report
    raise report_error(report.error, report.exit_code)


def exits(
    engine: Engine, container_id: str, since_ns: int, cancelled: Callable[[], bool] | None = None
) -> Iterator[tuple[str, int]]:
    """The container's exits (``("died", code)``) and its removal (``("remove", 0)``)
    recorded from ``since_ns`` on, as they come (until ``cancelled()``)."""
    since = str(max(0, since_ns // 1_000_000_000 - 1))
    options = EventsOptions(
        filters=(f"container={container_id}",), since=since, stream=True, cancelled=cancelled
    )
    for event in engine.system.events(options):
        if event.time_ns < since_ns or event.action not in ("died", "remove"):
            continue
        try:
            code = int(event.attributes.get("exitCode", "0"))
        except ValueError:
            code = 0
        yield event.action, code


def wait_state(
    engine: Engine, container_id: str, until: tuple[str, ...], timeout: float
) -> str | None:
    """Poll until the container's status is one of ``until``; the status, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = inspect_one(engine, container_id).state.status
        if status in until:
            return status
        time.sleep(0.02)
    return None

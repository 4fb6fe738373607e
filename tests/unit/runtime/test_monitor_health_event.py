"""The monitor logs podman's ``health_status`` event after every health check (issue
15): the status the check left, as the attribute podman shows as .HealthStatus."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hutch.runtime import state as st
from hutch.runtime.health import Result
from hutch.runtime.monitor import Monitor, MonitorArgs
from hutch.runtime.restart import RestartPolicy


class _Runner:
    """A HealthRunner whose checks end with the given statuses, one a poll."""

    def __init__(self, *statuses: str) -> None:
        self.statuses = list(statuses)
        self.check = SimpleNamespace(on_failure="none")

    def poll(self, now: float, ready: Any, health: st.Health, paused: bool) -> Result:
        status = self.statuses.pop(0)
        return Result(st.Health(status, 0 if status == "healthy" else 1), 0, "")


def _monitor(tmp_path: Path, runner: _Runner) -> Monitor:
    monitor = Monitor.__new__(Monitor)  # the loop's parts only: no container here
    args = MonitorArgs(tmp_path, "", -1, False, RestartPolicy.parse("no"), (), True)
    events = (str(tmp_path / "events.log"), "web", "localhost/base:latest", '{"tier": "a"}')
    monitor.args = replace(args, events=events)
    monitor.spec = SimpleNamespace(id="c" * 64)  # type: ignore[assignment]
    monitor.state = st.RuntimeState()
    monitor.state_path = tmp_path / "state.json"
    monitor.health = runner  # type: ignore[assignment]
    monitor.health_waiters = []
    monitor.init_pid = 0
    return monitor


def test_every_check_logs_the_status_it_left(tmp_path: Path) -> None:
    monitor = _monitor(tmp_path, _Runner("starting", "healthy", "healthy", "unhealthy"))
    for _ in range(4):
        monitor._health_poll(())
    lines = [json.loads(line) for line in (tmp_path / "events.log").read_text().splitlines()]
    assert [(e["action"], e["attributes"]["health_status"]) for e in lines] == [
        ("health_status", "starting"),
        ("health_status", "healthy"),
        ("health_status", "healthy"),  # no change, logged all the same (podman)
        ("health_status", "unhealthy"),
    ]
    assert {(e["name"], e["attributes"]["tier"]) for e in lines} == {("web", "a")}

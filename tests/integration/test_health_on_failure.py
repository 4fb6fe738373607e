"""--health-on-failure: the monitor kills, stops or restarts a container that turns unhealthy.

Each container's check fails once /sick exists; its command removes /sick
first, so a restarted run is healthy again.
"""

from __future__ import annotations

import time
from pathlib import Path

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]

COMMAND = ("sh", "-c", "rm -f /sick; exec sleep 300")


def _run(hutch: Hutch, base_image: str, name: str, action: str, *extra: str) -> None:
    hutch("run", "-d", "--name", name, "--health-cmd", "test ! -e /sick",
          "--health-interval", "300ms", "--health-retries", "1",
          "--health-on-failure", action, *extra, base_image, *COMMAND)  # fmt: skip
    hutch("exec", name, "touch", "/sick")


def _inspect(hutch: Hutch, name: str, template: str) -> str:
    return hutch("inspect", "--format", template, name).stdout.strip()


def _wait(hutch: Hutch, name: str, template: str, wanted: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (got := _inspect(hutch, name, template)) != wanted:
        assert time.monotonic() < deadline, f"{name}: {template} is {got!r}, not {wanted!r}"
        time.sleep(0.2)


def test_kill_kills_the_container(hutch: Hutch, base_image: str) -> None:
    _run(hutch, base_image, "hk", "kill")
    _wait(hutch, "hk", "{{.State.Status}}", "exited")
    assert _inspect(hutch, "hk", "{{.State.ExitCode}} {{.Config.HealthcheckOnFailureAction}}") == (
        "137 kill"
    )


def test_stop_stops_it_and_the_restart_policy_leaves_it_stopped(
    hutch: Hutch, base_image: str
) -> None:
    # sleep as PID 1 ignores SIGTERM: the stop timeout ends in SIGKILL, as hutch stop's
    _run(hutch, base_image, "hs", "stop", "--restart", "always", "--stop-timeout", "1")
    _wait(hutch, "hs", "{{.State.Status}}", "exited")
    hutch("wait", "hs")
    assert _inspect(hutch, "hs", "{{.State.Status}} {{.RestartCount}}") == "exited 0"


def test_restart_starts_it_again_healthy(hutch: Hutch, base_image: str) -> None:
    _run(hutch, base_image, "hr", "restart", "--stop-timeout", "1")
    _wait(hutch, "hr", "{{.RestartCount}}", "1")
    _wait(hutch, "hr", "{{.State.Status}}", "running")
    assert hutch("healthcheck", "run", "hr").returncode == 0  # the new run removed /sick


def test_a_startup_check_gates_the_health_check_and_restarts(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("run", "-d", "--name", "hsu", "--stop-timeout", "1", "-v", f"{tmp_path}:/r",
          "--health-cmd", "true", "--health-interval", "300ms",
          "--health-startup-cmd", "test -e /r/ready", "--health-startup-interval", "300ms",
          "--health-startup-retries", "2", base_image, "sleep", "300")  # fmt: skip
    deadline = time.monotonic() + 60
    while int(_inspect(hutch, "hsu", "{{.RestartCount}}") or 0) < 1:  # two failed startups
        assert time.monotonic() < deadline, "the failing startup check restarted nothing"
        time.sleep(0.2)
    assert _inspect(hutch, "hsu", "{{.State.Health.Status}}") != "healthy"
    (tmp_path / "ready").touch()
    _wait(hutch, "hsu", "{{.State.Health.Status}}", "healthy")

"""Health checks: the monitor runs them; status starting → healthy / unhealthy."""

from __future__ import annotations

import json
import time

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def _health(hutch: Hutch, ctr: str) -> dict[str, object]:
    out = hutch("inspect", "--format", "{{json .State.Health}}", ctr).stdout
    value: dict[str, object] = json.loads(out)
    return value


def _wait_status(hutch: Hutch, ctr: str, status: str, timeout: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        health = _health(hutch, ctr)
        if health["Status"] == status:
            return health
        assert time.monotonic() < deadline, f"{ctr} never became {status}: {health}"
        time.sleep(0.2)


def test_failing_check_turns_unhealthy_after_retries(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "sick",
        "--health-cmd",
        "echo nope; exit 2",
        "--health-interval",
        "200ms",
        "--health-retries",
        "3",
        base_image,
        "sleep",
        "300",
    )
    health = _wait_status(hutch, "sick", "unhealthy")
    assert int(str(health["FailingStreak"])) >= 3
    log = health["Log"]
    assert isinstance(log, list) and 1 <= len(log) <= 5
    # podman's: the output's last newline dropped
    assert log[-1]["ExitCode"] == 2 and log[-1]["Output"] == "nope"
    assert "(unhealthy)" in hutch("ps").stdout
    run = hutch("healthcheck", "run", "sick", check=False)
    assert run.returncode == 1 and "unhealthy" in run.stdout


def test_passing_check_turns_healthy(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "fine",
        "--health-cmd",
        '["CMD", "test", "-d", "/etc"]',
        "--health-interval",
        "200ms",
        base_image,
        "sleep",
        "300",
    )
    health = _wait_status(hutch, "fine", "healthy")
    assert health["FailingStreak"] == 0
    assert "(healthy)" in hutch("ps").stdout
    assert hutch("healthcheck", "run", "fine").returncode == 0
    status = hutch("inspect", "--format", "{{.State.Health.Status}}", "fine").stdout.strip()
    assert status == "healthy"


def test_healthcheck_run_now_and_recovery(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "flip",
        "--health-cmd",
        "test -f /tmp/ok",
        "--health-interval",
        "1h",
        "--health-retries",
        "1",
        base_image,
        "sleep",
        "300",
    )
    assert _health(hutch, "flip")["Status"] == "starting"
    assert hutch("healthcheck", "run", "flip", check=False).returncode == 1
    assert _health(hutch, "flip")["Status"] == "unhealthy"
    hutch("exec", "flip", "touch", "/tmp/ok")
    assert hutch("healthcheck", "run", "flip").returncode == 0
    assert _health(hutch, "flip")["Status"] == "healthy"


def test_healthcheck_run_without_a_check_and_disabled(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "none", base_image, "sleep", "300")
    result = hutch("healthcheck", "run", "none", check=False)
    assert result.returncode == 125 and "no defined healthcheck" in result.stderr
    hutch(
        "run",
        "-d",
        "--name",
        "off",
        "--health-cmd",
        "true",
        "--no-healthcheck",
        base_image,
        "sleep",
        "300",
    )
    assert hutch("healthcheck", "run", "off", check=False).returncode == 125
    bad = hutch("run", "--rm", "--health-interval", "soon", base_image, "true", check=False)
    assert (bad.returncode, bad.stderr) == (  # podman's words
        125,
        'Error: invalid healthcheck-interval: time: invalid duration "soon"\n',
    )


def test_timeout_counts_as_a_failure(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run",
        "-d",
        "--name",
        "slow",
        "--health-cmd",
        "sleep 5",
        "--health-timeout",
        "300ms",
        "--health-interval",
        "1h",
        base_image,
        "sleep",
        "300",
    )
    started = time.monotonic()
    assert hutch("healthcheck", "run", "slow", check=False).returncode == 1
    assert time.monotonic() - started < 4
    log = _health(hutch, "slow")["Log"]
    assert isinstance(log, list) and "timeout" in log[-1]["Output"]

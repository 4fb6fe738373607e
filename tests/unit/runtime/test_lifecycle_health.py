"""Health status rules (Docker's) and the forms of a health check command."""

from __future__ import annotations

import pytest

from hutch.runtime.health import command_of, parse_health_cmd, record
from hutch.runtime.state import Health


def _after(health: Health, code: int, *, start: bool = False, retries: int = 3) -> Health:
    return record(
        health,
        exit_code=code,
        output=f"out{code}",
        start=1.0,
        end=2.0,
        in_start_period=start,
        retries=retries,
    )


def test_failures_turn_unhealthy_after_retries() -> None:
    h = Health("starting")
    h = _after(h, 1)
    assert (h.status, h.failing_streak) == ("starting", 1)
    h = _after(_after(h, 1), 1)
    assert (h.status, h.failing_streak) == ("unhealthy", 3)


def test_a_pass_is_healthy_and_resets_the_streak() -> None:
    h = _after(_after(Health("starting"), 1), 0)
    assert (h.status, h.failing_streak) == ("healthy", 0)
    h = _after(h, 1)
    assert (h.status, h.failing_streak) == ("healthy", 1)  # one failure is not enough


def test_failures_in_the_start_period_do_not_count() -> None:
    h = _after(Health("starting"), 1, start=True, retries=1)
    assert (h.status, h.failing_streak) == ("starting", 0)
    assert _after(h, 0, start=True).status == "healthy"


def test_the_log_keeps_the_last_five() -> None:
    h = Health("starting")
    for code in range(7):
        h = _after(h, code)
    assert [e["ExitCode"] for e in h.log] == [2, 3, 4, 5, 6]
    assert h.log[-1]["Output"] == "out6" and h.log[-1]["Start"].endswith("Z")


def test_command_forms() -> None:
    assert command_of(["CMD", "curl", "-f", "x"]) == ("curl", "-f", "x")
    assert command_of(["CMD-SHELL", "exit 1"]) == ("/bin/sh", "-c", "exit 1")
    assert command_of(["NONE"]) is None
    assert parse_health_cmd("test -f /x") == ("/bin/sh", "-c", "test -f /x")
    assert parse_health_cmd('["CMD", "true"]') == ("true",)
    assert parse_health_cmd('["true", "x"]') == ("true", "x")
    assert parse_health_cmd("none") is None
    with pytest.raises(ValueError):
        parse_health_cmd("[1, 2]")

"""Health status rules (Docker's) and the forms of a health check command."""

from __future__ import annotations

import pytest

from hutch.runtime.health import HealthRunner, Result, _Check, record
from hutch.runtime.health_cmd import command_of, parse_health_cmd, recorded_test
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_lifecycle import HealthCheck, StartupCheck
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
    # not a JSON array of strings: a shell command, as podman takes it
    assert parse_health_cmd("[1, 2]") == ("/bin/sh", "-c", "[1, 2]")
    with pytest.raises(ValueError, match="must define a healthcheck command"):
        parse_health_cmd("[]")


@pytest.mark.parametrize(
    ("text", "test"),
    [("true", ("CMD-SHELL", "true")),
     ("echo $0 \"$@\"", ("CMD-SHELL", "echo $0 \"$@\"")),
     ('["/bin/true"]', ("CMD-SHELL", "/bin/true")),
     ('["a", "b"]', ("CMD", "a", "b")),
     ('["CMD", "true"]', ("CMD", "true")),
     ('["cmd-shell", "echo a; true"]', ("CMD-SHELL", "echo a; true")),
     ('["NONE"]', ("NONE",)),
     ("none", ("NONE",)),
     ("NONE", ("NONE",)),
     ("CMD /bin/true  x", ("CMD", "/bin/true", "x")),
     ("CMD-SHELL echo a b", ("CMD-SHELL", "echo a b")),
     ("[oops", ("CMD-SHELL", "[oops")),
     ("[1,2]", ("CMD-SHELL", "[1,2]"))],
)  # fmt: skip
def test_health_cmd_recorded_as_podman_records_it(text: str, test: tuple[str, ...]) -> None:
    """podman's .Config.Healthcheck.Test of each form (4.3.1's inspect, but for a JSON
    array starting with CMD or NONE, which 4.3.1 keeps as one string)."""
    assert recorded_test(text) == test


def _runner(retries: int = 0, success: int = 0) -> HealthRunner:
    startup = StartupCheck(("/bin/ready",), interval=2.0, timeout=3.0, retries=retries,
                           success=success)  # fmt: skip
    check = HealthCheck(("/bin/check",), interval=10.0, timeout=5.0, startup=startup)
    spec = Spec(id="c", hostname="h", process=Process(args=("sh",), env=()),
                rootfs=Rootfs("bind", "/x"))  # fmt: skip
    runner = HealthRunner(check, spec)
    runner.begin(1234, 100.0)
    return runner


def _startup(runner: HealthRunner, code: int, now: float, health: Health) -> Result:
    return runner._startup_result(now, _Check(0, 0, None, now - 1, now + 3), health, code, "x")


def test_the_startup_check_runs_first_with_its_own_command_and_times() -> None:
    runner = _runner()
    assert runner.in_startup and runner.due == 102.0  # the startup interval
    assert runner.startup_spec is not None
    assert runner.startup_spec.process.args == ("/bin/ready",)
    assert runner.spec.process.args == ("/bin/check",)
    assert runner._timeout() == 3.0


def test_a_startup_pass_hands_over_to_the_regular_check_status_unchanged() -> None:
    runner = _runner()
    health = _startup(runner, 1, 102.0, Health("starting")).health
    assert (health.status, health.failing_streak, len(health.log)) == ("starting", 0, 1)
    assert runner.in_startup and runner.due == 104.0
    health = _startup(runner, 0, 104.0, health).health
    assert (health.status, health.failing_streak, len(health.log)) == ("starting", 0, 2)
    assert not runner.in_startup and runner.due == 114.0  # the regular interval from now
    assert runner._timeout() == 5.0


def test_success_asks_for_that_many_passes() -> None:
    runner = _runner(success=2)
    health = _startup(runner, 0, 102.0, Health("starting")).health
    assert runner.in_startup
    _startup(runner, 0, 104.0, health)
    assert not runner.in_startup


def test_retries_failures_ask_for_a_restart() -> None:
    runner = _runner(retries=2)
    result = _startup(runner, 1, 102.0, Health("starting"))
    assert not result.startup_failed
    result = _startup(runner, 1, 104.0, result.health)
    assert result.startup_failed and runner.due is None
    never = _runner(retries=0)
    for n in range(5):
        assert not _startup(never, 1, 102.0 + n, Health("starting")).startup_failed


def test_the_checks_timers_survive_the_monitors_exec_to_its_idle_loop_and_back() -> None:
    import marshal

    runner = _runner(success=3)
    _startup(runner, 0, 102.0, Health("starting"))  # one pass of three, one failure
    _startup(runner, 1, 104.0, Health("starting"))
    # the hand-over is marshal's in a memfd (runtime/monitorio.py)
    snapshot = marshal.loads(marshal.dumps(runner.snapshot()))
    again = HealthRunner(runner.check, runner.spec)
    assert again.due is None and not again.in_startup
    again.restore(snapshot)
    assert again.snapshot() == runner.snapshot()
    assert again.in_startup and (again.startup_passes, again.startup_failures) == (1, 1)
    assert again.timeout(105.0) == runner.timeout(105.0) == 1.0
    assert again._timeout() == 3.0  # still the startup check's own

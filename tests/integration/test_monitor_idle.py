"""The idle monitor: a running detached container's monitor execs a small loop
(runtime/idle.py) and back to the full monitor for rare events, without a
feature lost on the way: logs, attach and input, pause, stop, exit codes,
restart policies."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch
from lifecycle_basics import (
    IDLE,
    eventually,
    inspect,
    log_lines,
    no_default_network,  # noqa: F401 - autouse fixture
    pid_alive,
    status,
)


def _monitor(hutch: Hutch, name: str) -> int:
    return int(inspect(hutch, name)["State"].get("ConmonPid", 0))  # omitted once exited


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _idle(hutch: Hutch, name: str) -> int:
    """The monitor's pid once it runs the idle loop."""
    pid = _monitor(hutch, name)
    eventually(lambda: IDLE in _cmdline(pid), what="the monitor to go idle")
    return pid


def test_the_idle_monitor_loads_none_of_the_set_up_and_serves_output_input_and_exit(
    hutch: Hutch, base_image: str
) -> None:
    script = 'echo first; while read line; do echo "got $line"; done; echo bye; exit 3'
    hutch("run", "-d", "-i", "--name", "idle", base_image, "sh", "-c", script)
    pid = _idle(hutch, "idle")
    # The same process (its pid is the one recorded), and none of the full monitor's
    # modules: ctypes (linux/syscalls.py) is a shared object the full monitor maps.
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "_ctypes" not in maps and "_ctypes" not in _cmdline(pid).decode()
    assert status(hutch, "idle") == "running"
    assert log_lines(hutch, "idle")[-1:] == ["first"]
    # Input through attach, its end of input ends the command: the exit goes back
    # to the full monitor, which records the code and ends.
    result = hutch("attach", "idle", input="hello\n", check=False)
    assert "got hello" in result.stdout and "bye" in result.stdout
    assert result.returncode == 3
    eventually(lambda: status(hutch, "idle") == "exited", what="the exit to be recorded")
    assert inspect(hutch, "idle")["State"]["ExitCode"] == 3
    assert log_lines(hutch, "idle") == ["first", "got hello", "bye"]
    eventually(lambda: not pid_alive(pid), what="the monitor to end")


def test_pause_stop_and_restart_go_through_the_full_monitor_and_back(
    hutch: Hutch, base_image: str
) -> None:
    # pause: the idle loop hands the PAUSE frame back; unpaused, it goes idle again
    script = "trap 'echo term; exit 0' TERM; echo up; while :; do sleep 0.1; done"
    hutch("run", "-d", "--name", "p", base_image, "sh", "-c", script)
    pid = _idle(hutch, "p")
    hutch("pause", "p")
    assert status(hutch, "p") == "paused"
    assert IDLE not in _cmdline(pid)
    hutch("unpause", "p")
    assert status(hutch, "p") == "running"
    assert _idle(hutch, "p") == pid
    hutch("stop", "-t", "10", "p")  # the idle loop forwards the stop signal
    assert status(hutch, "p") == "exited"
    assert inspect(hutch, "p")["State"]["ExitCode"] == 0
    assert log_lines(hutch, "p") == ["up", "term"]
    # restart policy: each run outlives the idle delay, ends in the idle loop, and
    # the full monitor starts the next
    hutch(
        "run", "-d", "--name", "r", "--restart", "on-failure:2", base_image,
        "sh", "-c", "echo run; sleep 2; exit 1",
    )  # fmt: skip
    monitor = _idle(hutch, "r")
    eventually(lambda: not pid_alive(monitor), timeout=30, what="the runs to end")
    assert status(hutch, "r") == "exited"
    state = inspect(hutch, "r")
    assert state["RestartCount"] == 2 and state["State"]["ExitCode"] == 1
    assert log_lines(hutch, "r") == ["run", "run", "run"]


def test_health_checks_and_the_timeout_wake_the_idle_monitor(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run", "-d", "--name", "h", "--health-cmd", "echo ok-$((40+2))",
        "--health-interval", "3s", base_image, "sleep", "300",
    )  # fmt: skip
    pid = _idle(hutch, "h")  # between two checks the monitor idles
    # each check is run by the full monitor, which idles again afterwards
    eventually(
        lambda: len(inspect(hutch, "h")["State"]["Health"]["Log"] or []) >= 2,  # null at first
        timeout=20,
        what="two checks",
    )
    health = inspect(hutch, "h")["State"]["Health"]
    assert health["Status"] == "healthy" and health["Log"][-1]["Output"] == "ok-42"
    assert _idle(hutch, "h") == pid
    # a check asked for goes back to the full monitor with its client
    ran = hutch("healthcheck", "run", "h")
    assert ran.returncode == 0
    assert _idle(hutch, "h") == pid
    # --timeout: the idle loop wakes the full monitor, which kills the run
    hutch("run", "-d", "--name", "t", "--timeout", "4", base_image, "sleep", "300")
    monitor = _idle(hutch, "t")
    eventually(lambda: not pid_alive(monitor), timeout=20, what="the timeout")
    assert status(hutch, "t") == "exited"
    assert inspect(hutch, "t")["State"]["ExitCode"] == -1

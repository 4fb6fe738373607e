"""Restart policies, the death of a monitor, and many containers at once."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import Hutch, HutchEnv
from lifecycle_basics import (
    container_pids,
    eventually,
    inspect,
    log_lines,
    no_default_network,  # noqa: F401 - autouse fixture
    pid_alive,
    status,
)


def test_restart_always_brings_back_a_crashing_command_until_stop(
    hutch: Hutch, base_image: str
) -> None:
    hutch(
        "run", "-d", "--name", "crash", "--restart", "always", base_image,
        "sh", "-c", "echo run; sleep 0.2; exit 1",
    )  # fmt: skip
    eventually(lambda: inspect(hutch, "crash")["RestartCount"] >= 2, what="two restarts")
    policy = inspect(hutch, "crash")["HostConfig"]["RestartPolicy"]
    assert policy == {"Name": "always", "MaximumRetryCount": 0}
    hutch("stop", "-t", "1", "crash")
    assert status(hutch, "crash") == "exited"
    runs = len(log_lines(hutch, "crash"))
    assert runs >= 3
    time.sleep(2)  # stopped means stopped: no further run
    assert len(log_lines(hutch, "crash")) == runs
    assert status(hutch, "crash") == "exited"


def test_rm_force_of_a_container_between_two_runs_is_at_once(hutch: Hutch, base_image: str) -> None:
    """``rm -f`` in a restart back-off stops the next run rather than waiting for the
    monitor: 10 s before (rm waited that long for it, then killed it)."""
    hutch("run", "-d", "--name", "flap", "--restart", "always", base_image, "sh", "-c", "exit 1")
    # four restarts in: back-offs of 1.6 s and more, a run a moment each
    eventually(lambda: inspect(hutch, "flap")["RestartCount"] >= 4, what="four restarts")
    started = time.monotonic()
    hutch("rm", "-f", "flap")
    assert time.monotonic() - started < 5
    assert hutch("ps", "-aq").stdout == ""


def test_on_failure_gives_up_after_its_maximum(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run", "-d", "--name", "flaky", "--restart", "on-failure:3", base_image,
        "sh", "-c", "echo run; exit 1",
    )  # fmt: skip
    assert hutch("wait", "flaky").stdout.strip() in ("1", "0")  # may catch a pause between runs
    data = eventually(
        lambda: (
            (d := inspect(hutch, "flaky"))["RestartCount"] == 3
            and d["State"]["Status"] == "exited"
            and d
        ),
        what="three restarts",
    )
    assert data["State"]["ExitCode"] == 1
    time.sleep(1.5)  # the back-off after the third restart would be 0.8 s
    assert log_lines(hutch, "flaky") == ["run"] * 4
    assert inspect(hutch, "flaky")["RestartCount"] == 3


def test_on_failure_does_not_restart_a_success(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "ok", "--restart", "on-failure", base_image, "echo", "once")
    assert hutch("wait", "ok").stdout == "0\n"
    time.sleep(0.5)
    assert log_lines(hutch, "ok") == ["once"]
    assert inspect(hutch, "ok")["RestartCount"] == 0


def test_restart_command_runs_it_again(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "again", base_image, "sh", "-c", "echo run; sleep 1000")
    eventually(lambda: log_lines(hutch, "again") == ["run"], what="the first run")
    first = inspect(hutch, "again")["State"]["Pid"]
    assert hutch("restart", "-t", "0", "again").stdout == "again\n"
    assert status(hutch, "again") == "running"
    assert inspect(hutch, "again")["State"]["Pid"] != first
    eventually(lambda: log_lines(hutch, "again") == ["run", "run"], what="the second run")


def test_killed_monitor_leaves_an_exited_container_and_no_process(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    hutch("run", "-d", "--name", "orphan", base_image, "sleep", "1000")
    state = inspect(hutch, "orphan")["State"]
    monitor, init = state["ConmonPid"], state["Pid"]
    assert monitor > 0 and pid_alive(init)
    os.kill(monitor, signal.SIGKILL)
    eventually(lambda: not pid_alive(monitor), what="the monitor to die")
    listed = hutch("ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}").stdout
    assert listed == "orphan\n"
    assert hutch("ps", "-q").stdout == ""
    eventually(lambda: not pid_alive(init), timeout=5, what="the container's process to go")
    assert container_pids(hutch_env) == []
    after = inspect(hutch, "orphan")["State"]
    assert (after["Status"], after["Running"], after["ExitCode"]) == ("exited", False, 255)
    # It can be started again and removed.
    hutch("start", "orphan")
    assert status(hutch, "orphan") == "running"
    hutch("rm", "-f", "-t", "0", "orphan")


def test_parallel_run_and_rm_leave_no_stale_state(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    names = [f"par{i}" for i in range(20)]
    hutch("ps")  # create the session first: the parallel commands then only join it
    with ThreadPoolExecutor(max_workers=20) as pool:
        runs = list(
            pool.map(
                lambda n: hutch("run", "-d", "--name", n, base_image, "sleep", "1000", timeout=120),
                names,
            )
        )
    assert len({r.stdout.strip() for r in runs}) == 20
    assert sorted(hutch("ps", "--format", "{{.Names}}").stdout.split()) == sorted(names)
    with ThreadPoolExecutor(max_workers=20) as pool:
        removed = list(
            pool.map(lambda n: hutch("rm", "-f", "-t", "0", n, timeout=120).stdout, names)
        )
    assert removed == [f"{n}\n" for n in names]
    assert hutch("ps", "-a").stdout.splitlines()[1:] == []
    containers = hutch_env.data_home / "hutch" / "storage" / "containers"
    assert not containers.exists() or list(containers.iterdir()) == []
    eventually(lambda: container_pids(hutch_env) == [], timeout=10, what="no processes")
    sockets = hutch_env.runtime_dir / "hutch" / "a"
    assert not sockets.exists() or list(sockets.iterdir()) == []


def test_restart_of_an_rm_container_keeps_it(hutch: Hutch, base_image: str) -> None:
    """podman restarts a --rm container and it stays (the stop inside the restart is
    not the end of the container); the stopped run's cleanup used to remove the
    container the restart had just started (2 runs in 3). Three rounds; a later stop
    still removes it, as --rm says."""
    name = "rm-restart"
    hutch("run", "-d", "--rm", "--name", name, base_image, "sleep", "300")
    try:
        for _ in range(3):
            hutch("restart", "-t", "0", name)
            time.sleep(1.5)  # past the old run's cleanup, a command of its own
            status = hutch("inspect", "--format", "{{.State.Status}}", name, check=False)
            assert status.stdout.strip() == "running", status.stderr
        hutch("stop", "-t", "0", name)
        deadline = time.monotonic() + 30
        while hutch("container", "exists", name, check=False).returncode == 0:
            assert time.monotonic() < deadline, "a stopped --rm container was not removed"
            time.sleep(0.2)
    finally:
        hutch("rm", "-f", "-t", "0", name, check=False)


def test_a_run_whose_process_is_gone_is_not_shown_running(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """Between a run's exit and its monitor's record of it, the state file still says
    running: readers wait for the record (podman's inspect reads the exit at once), so
    that inspect no longer shows the ended run running with exec refusing it. The
    monitor is held with SIGSTOP here so that the window is wide open."""
    sig = tmp_path / "sig"
    sig.mkdir()
    script = "until [ -e /sig/go ]; do sleep 0.05; done; rm /sig/go; exit 1"
    hutch("run", "-d", "--name", "rp", "--restart", "always", "-v", f"{sig}:/sig",
          base_image, "sh", "-c", script)  # fmt: skip
    state = inspect(hutch, "rp")["State"]
    monitor, init = state["ConmonPid"], state["Pid"]
    os.kill(monitor, signal.SIGSTOP)
    try:
        (sig / "go").touch()
        eventually(lambda: not pid_alive(init), timeout=5, what="the run's process to end")
        shown = hutch.popen("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "rp")
        time.sleep(1)  # inside the readers' wait for the record (runtime/state.py)
    finally:
        os.kill(monitor, signal.SIGCONT)
    out, err = shown.communicate(timeout=30)
    assert shown.returncode == 0, err
    assert out != "running 0\n", "the ended run shown running"
    # its next run is running, and exec reaches it
    eventually(lambda: status(hutch, "rp") == "running", what="the policy's next run")
    assert inspect(hutch, "rp")["RestartCount"] == 1
    assert hutch("exec", "rp", "true").returncode == 0
    hutch("rm", "-f", "-t", "0", "rp")

"""Detached containers outlive the command that started them; stop, kill, wait, start -a."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

from harness import Hutch
from lifecycle_basics import (
    eventually,
    inspect,
    log_lines,
    no_default_network,  # noqa: F401 - autouse fixture
    pid_alive,
    status,
)
from ports import free_port

COUNTER = "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done"


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode()
    except OSError:
        return None


def test_detached_httpd_keeps_serving_after_run_exits(hutch: Hutch, base_image: str) -> None:
    port = free_port()
    script = (
        "mkdir -p /www && echo served-by-hutch > /www/index.html && "
        f"exec httpd -f -p 127.0.0.1:{port} -h /www"
    )
    result = hutch(
        "run", "-d", "--name", "web", "--network", "host", base_image, "sh", "-c", script
    )
    container_id = result.stdout.strip()
    assert len(container_id) == 64 and result.stderr == ""
    body = eventually(lambda: _get(f"http://127.0.0.1:{port}/"), what="httpd to answer")
    assert body == "served-by-hutch\n"
    # Still serving a while later, and shown as running.
    time.sleep(1)
    assert _get(f"http://127.0.0.1:{port}/") == "served-by-hutch\n"
    assert status(hutch, "web") == "running"
    assert hutch("ps", "-q", "--no-trunc").stdout.split() == [container_id]
    hutch("stop", "-t", "1", "web")
    assert _get(f"http://127.0.0.1:{port}/") is None


def test_logs_follow_prints_new_lines_and_ends_when_the_container_stops(
    hutch: Hutch, base_image: str
) -> None:
    hutch("run", "-d", "--name", "ticker", base_image, "sh", "-c", COUNTER)
    follower = subprocess.Popen(
        [str(hutch.binary), "logs", "-f", "ticker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=hutch.env.environ(),
    )
    try:
        assert follower.stdout is not None
        got = [follower.stdout.readline() for _ in range(6)]
        # Six lines take at least a second to appear: they were followed, not read at once.
        assert got == [f"line {i}\n" for i in range(6)]
        hutch("stop", "-t", "1", "ticker")
        follower.wait(timeout=10)
        assert follower.returncode == 0
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    rest = follower.stdout.read() if follower.stdout else ""
    assert all(line.startswith("line ") for line in rest.splitlines())


def test_stop_kills_a_pid1_that_ignores_sigterm_after_the_timeout(
    hutch: Hutch, base_image: str
) -> None:
    """busybox sleep as PID 1 has no SIGTERM handler, so the kernel ignores the signal."""
    hutch("run", "-d", "--name", "sleeper", base_image, "sleep", "1000")
    started = time.monotonic()
    assert hutch("stop", "-t", "1", "sleeper").stdout == "sleeper\n"
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 8, elapsed
    state = inspect(hutch, "sleeper")["State"]
    assert (state["Status"], state["ExitCode"], state["Running"]) == ("exited", 137, False)
    assert hutch("wait", "sleeper").stdout == "137\n"


def test_stop_signal_is_what_stop_sends(hutch: Hutch, base_image: str) -> None:
    script = 'trap "echo got USR1; exit 5" USR1; echo ready; while true; do sleep 0.1; done'
    hutch("run", "-d", "--name", "usr1", "--stop-signal", "USR1", base_image, "sh", "-c", script)
    # podman's name for it (ToDockerFormat), however it was given
    assert inspect(hutch, "usr1")["Config"]["StopSignal"] == "SIGUSR1"
    eventually(lambda: "ready" in log_lines(hutch, "usr1"), what="the trap to be set")
    started = time.monotonic()
    hutch("stop", "-t", "20", "usr1")
    assert time.monotonic() - started < 10  # the signal did it, not the SIGKILL
    assert hutch("wait", "usr1").stdout == "5\n"
    assert "got USR1" in log_lines(hutch, "usr1")


def test_stop_timeout_of_the_container_is_the_default_of_stop(
    hutch: Hutch, base_image: str
) -> None:
    hutch("run", "-d", "--name", "st", "--stop-timeout", "1", base_image, "sleep", "1000")
    assert inspect(hutch, "st")["Config"]["StopTimeout"] == 1
    started = time.monotonic()
    hutch("stop", "st")
    assert time.monotonic() - started < 8
    assert hutch("wait", "st").stdout == "137\n"


def test_a_container_killed_by_a_signal_exits_with_128_plus_n(
    hutch: Hutch, base_image: str
) -> None:
    hutch("run", "-d", "--name", "k9", base_image, "sleep", "1000")
    hutch("run", "-d", "--name", "k15", base_image, "sh", "-c", "trap - TERM; sleep 1000 & wait")
    assert hutch("kill", "-s", "KILL", "k9").stdout == "k9\n"
    assert hutch("wait", "k9").stdout == "137\n"
    hutch("kill", "-s", "9", "k15")
    assert hutch("wait", "k15").stdout == "137\n"
    assert hutch("ps", "-a", "--format", "{{.Names}} {{.ExitCode}}").stdout.splitlines() == [
        "k9 137",  # podman's order: the oldest first
        "k15 137",
    ]


def test_create_then_start_attached_returns_the_exit_code(hutch: Hutch, base_image: str) -> None:
    cid = hutch("create", "--name", "job", base_image, "sh", "-c", "echo out; exit 7").stdout
    assert status(hutch, "job") == "created"
    assert hutch("ps", "-a", "--format", "{{.Status}}").stdout == "Created\n"
    result = hutch("start", "-a", "job", check=False)
    assert (result.returncode, result.stdout) == (7, "out\n")
    assert inspect(hutch, cid.strip())["State"]["ExitCode"] == 7
    # A second start runs it again; the log keeps both runs.
    assert hutch("start", "-a", "job", check=False).returncode == 7
    assert log_lines(hutch, "job") == ["out", "out"]


def test_start_detached_and_wait_prints_the_exit_code(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "w", base_image, "sh", "-c", "sleep 0.5; exit 3")
    assert hutch("start", "w").stdout == "w\n"
    assert hutch("wait", "w").stdout == "3\n"
    assert hutch("wait", "--condition", "exited", "w").stdout == "3\n"


def test_rm_of_a_running_container_needs_force(hutch: Hutch, base_image: str) -> None:
    cid = hutch("run", "-d", "--name", "busy", base_image, "sleep", "1000").stdout.strip()
    result = hutch("rm", "busy", check=False)
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: cannot remove container {cid} as it is running - running or paused "
        "containers cannot be removed without force: container state improper\n"
    )
    assert status(hutch, "busy") == "running"
    assert hutch("rm", "-f", "-t", "0", "busy").stdout == "busy\n"
    assert hutch("ps", "-aq").stdout == ""


def test_cidfile_holds_the_id(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    cidfile = tmp_path / "cid"
    cid = hutch("run", "-d", "--cidfile", str(cidfile), base_image, "true").stdout.strip()
    assert cidfile.read_text() == cid
    again = hutch("create", "--cidfile", str(cidfile), base_image, "true", check=False)
    assert again.returncode == 125 and "exists" in again.stderr
    assert hutch("ps", "-aq", "--no-trunc").stdout.split() == [cid]


def test_labels_are_in_inspect_and_ps(hutch: Hutch, base_image: str) -> None:
    hutch(
        "create", "--name", "lab", "--label", "app=web", "-l", "tier=front", "-l", "bare",
        base_image, "true",
    )  # fmt: skip
    labels = inspect(hutch, "lab")["Config"]["Labels"]
    assert labels == {"app": "web", "tier": "front", "bare": ""}
    assert hutch("ps", "-a", "--format", "{{.Labels.app}}").stdout == "web\n"


def test_monitor_survives_the_caller_and_its_pid_is_conmonpid(
    hutch: Hutch, base_image: str
) -> None:
    hutch("run", "-d", "--name", "mon", base_image, "sleep", "1000")
    state = inspect(hutch, "mon")["State"]
    assert pid_alive(state["ConmonPid"]) and pid_alive(state["Pid"])
    assert state["ConmonPid"] != state["Pid"] and state["ConmonPid"] != os.getpid()
    hutch("kill", "mon")
    eventually(lambda: not pid_alive(state["ConmonPid"]), what="the monitor to exit")
    assert "ConmonPid" not in inspect(hutch, "mon")["State"]  # podman omits a zero

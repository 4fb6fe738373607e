"""``hutch run`` exits with the container's status, podman's codes for failed starts,
128+N for a signal, and forwards signals it receives to the container."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from harness import Hutch, kill_all, pids_with_cmdline


def _wait_for_pid(argv: list[str], timeout: float = 15) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = pids_with_cmdline(argv)
        if pids:
            assert len(pids) == 1, f"more than one {argv}: {pids}"
            return pids[0]
        time.sleep(0.02)
    raise AssertionError(f"no process {argv} appeared within {timeout} s")


@pytest.mark.parametrize("code", [0, 1, 42])
def test_exit_code_of_the_command(hutch: Hutch, base_image: str, code: int) -> None:
    """The command's own exit status is hutch's exit status."""
    result = hutch("run", "--rm", base_image, "sh", "-c", f"exit {code}", check=False)
    assert result.returncode == code
    assert result.stderr == ""


def test_non_executable_command_exits_126(hutch: Hutch, base_image: str) -> None:
    """A command that exists but cannot be executed gives 126 and says so."""
    result = hutch("run", "--rm", base_image, "/etc/passwd", check=False)
    assert result.returncode == 126
    assert "/etc/passwd" in result.stderr


def test_missing_command_exits_127(hutch: Hutch, base_image: str) -> None:
    """A command that does not exist gives 127 and names it."""
    result = hutch("run", "--rm", base_image, "no-such-command", check=False)
    assert result.returncode == 127
    assert "no-such-command" in result.stderr


def test_killed_container_exits_137(hutch: Hutch, base_image: str) -> None:
    """SIGKILL to the container's process (from the host) makes hutch exit with 128+9."""
    proc = hutch.popen("run", "--rm", base_image, "sleep", "321.5")
    try:
        pid = _wait_for_pid(["sleep", "321.5"])
        os.kill(pid, signal.SIGKILL)
        assert proc.wait(timeout=15) == 137
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=15)


def test_sigterm_to_hutch_is_forwarded(hutch: Hutch, base_image: str) -> None:
    """SIGTERM sent to the hutch CLI reaches the container, whose trap decides the status."""
    script = "trap 'exit 143' TERM; echo ready; sleep 30 & wait"
    proc = hutch.popen("run", "--rm", base_image, "sh", "-c", script)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        # "ready" comes from the container once its command runs; hutch installs
        # its forwarding handlers just after that (see the next test for the gap)
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 143
        assert time.monotonic() - started < 10, "the signal waited for sleep to finish"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=15)
    # --rm still cleaned up after the forwarded signal
    assert list((hutch.env.data_home / "hutch" / "storage" / "containers").iterdir()) == []


def test_sigterm_while_the_container_starts_leaves_nothing(hutch: Hutch, base_image: str) -> None:
    """SIGTERM that reaches hutch while it starts the container is not lost: hutch exits by
    itself (not killed by the signal), and with --rm no process or container dir is left."""
    containers = hutch.env.data_home / "hutch" / "storage" / "containers"
    argv = ["sleep", "654.3"]
    script = "trap 'exit 143' TERM; sleep 654.3 & wait"
    proc = hutch.popen("run", "--rm", base_image, "sh", "-c", script)
    try:
        deadline = time.monotonic() + 15
        # the container's directory appears before its process is started
        while not (containers.is_dir() and any(containers.iterdir())):
            assert time.monotonic() < deadline and proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        time.sleep(0.3)  # let a (correctly) stopped container finish going away
        left = pids_with_cmdline(argv)
        assert code >= 0, f"hutch was killed by signal {-code} instead of handling it"
        assert left == []
        assert list(containers.iterdir()) == []
    finally:
        kill_all(pids_with_cmdline(argv))
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=15)


def _ignoring(hutch: Hutch, *args: str) -> subprocess.CompletedProcess[str]:
    """hutch started as a script's background job starts it: SIGINT and SIGQUIT ignored."""
    return subprocess.run(
        ["sh", "-c", 'trap "" INT QUIT; exec "$@"', "sh", str(hutch.binary), *args],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def _signal_state(status: str) -> dict[str, str]:
    return dict(
        (key, value.strip())
        for key, value in (line.split(":", 1) for line in status.splitlines())
        if key in ("SigIgn", "SigBlk")
    )


def test_container_processes_start_with_no_signal_ignored(hutch: Hutch, base_image: str) -> None:
    """As runc and crun leave them (podman 4.3.1's container shows none ignored, none
    blocked): neither what the user's shell ignored nor what the monitor's own start
    left (glibc's posix_spawn ignores its signals 32 and 33) reaches the container's
    command or an exec'd one, so a `kill -s QUIT` the user sends is not lost."""
    clear = {"SigIgn": "0000000000000000", "SigBlk": "0000000000000000"}
    ran = _ignoring(hutch, "run", "--rm", base_image, "cat", "/proc/self/status")
    assert _signal_state(ran.stdout) == clear
    name = "sigstate"
    _ignoring(hutch, "run", "-d", "--name", name, base_image, "sleep", "60")
    try:
        init = hutch("exec", name, "cat", "/proc/1/status")
        assert _signal_state(init.stdout) == clear
        execd = _ignoring(hutch, "exec", name, "cat", "/proc/self/status")
        assert _signal_state(execd.stdout) == clear
    finally:
        hutch("rm", "-f", "-t", "0", name, check=False)


def test_sigint_ends_a_follower_started_with_it_ignored(hutch: Hutch) -> None:
    """podman turns an ignored SIGINT back on (Go's signal.Notify), so `kill -INT` ends
    a `podman events` a script started with `&`; hutch's does too."""
    events = subprocess.Popen(
        ["sh", "-c", 'trap "" INT; exec "$@"', "sh", str(hutch.binary), "events"],
        env=hutch.env.environ(),
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # past its start-up, following
        assert events.poll() is None
        events.send_signal(signal.SIGINT)
        events.wait(timeout=15)
    finally:
        if events.poll() is None:
            events.kill()
            events.wait()
    assert events.returncode in (0, 130), events.stderr.read() if events.stderr else ""

"""``compose up`` in the foreground stopped by Ctrl-C, ``logs -f`` and ``events`` across
services, ``cp`` in and out of a service, and ``down`` after an ``up`` failed half-way.

The services print a line and wait for a file that the test copies in, so
that what the followers print after they started is known exactly. One
project serves the followers together (each compose command costs its
start-up; the CI budget is tight).
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from harness import Hutch

WAITERS = """\
services:
  a:
    image: {image}
    command: ["sh", "-c", "echo a-start; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo a-done"]
    stop_signal: SIGKILL  # a shell as pid 1 ignores SIGTERM: no 1 s wait for the kill
  b:
    image: {image}
    command: ["sh", "-c", "echo b-start; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo b-done"]
    stop_signal: SIGKILL
"""


class Follower:
    """A hutch command left running, its stdout lines collected by a thread."""

    def __init__(self, hutch: Hutch, *args: str, sigint_ignored: bool = False) -> None:
        self.lines: list[str] = []
        argv = [str(hutch.binary), *args]
        if sigint_ignored:
            # as a background job of a shell without job control starts (CI's
            # contrib/test.sh runs pytest so): Ctrl-C must stop hutch all the same
            argv = ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *argv]
        self.process = subprocess.Popen(
            argv,
            env=hutch.env.environ(),
            cwd=hutch.env.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, *wanted: str, deadline: float = 60) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if all(any(w in line for line in self.lines) for w in wanted):
                return
            time.sleep(0.1)
        raise AssertionError(f"{wanted} not all seen in {self.lines}")

    def seen(self) -> set[tuple[str, str]]:
        """(service, action) of the ``events --json`` lines so far."""
        return {(e["service"], e["action"]) for e in map(json.loads, list(self.lines))}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)


def test_ctrl_c_of_a_foreground_up_logs_events_and_cp(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(WAITERS.format(image=base_image))
    compose = ("compose", "-p", "fol", "-f", str(tmp_path / "compose.yaml"))
    since = f"{time.time():.3f}"
    events = Follower(hutch, *compose, "events", "--json", "--since", since, sigint_ignored=True)
    try:
        up = Follower(hutch, *compose, "up", "--no-color", "-t", "1", sigint_ignored=True)
        up.wait_for("a-1  | a-start", "b-1  | b-start")
        logs = Follower(hutch, *compose, "logs", "-f")
        logs.wait_for("a-1  | a-start", "b-1  | b-start")
        # out of a service's container, then into it: a finishes, b still waits
        hutch(*compose, "cp", "a:/etc/hostname", str(tmp_path / "hostname"))
        assert (tmp_path / "hostname").read_text().strip()
        (tmp_path / "go").write_text("go\n")
        hutch(*compose, "cp", str(tmp_path / "go"), "a:/tmp/go")
        logs.wait_for("a-1  | a-done")
        up.wait_for("a-1  | a-done")
        # Ctrl-C on a terminal: SIGINT to hutch (the containers are in sessions of
        # their own); b is stopped, and logs -f ends with the last container
        up.process.send_signal(signal.SIGINT)
        assert up.process.wait(timeout=60) == 0
        assert up.process.stderr is not None
        assert "Gracefully stopping" in up.process.stderr.read()
        assert logs.process.wait(timeout=60) == 0
        # stopped, not removed (plain ps: it does not load the compose file)
        assert hutch("ps", "-q").stdout == ""
        assert sorted(hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()) == [
            "fol-a-1",
            "fol-b-1",
        ]
        wanted = {("a", "start"), ("b", "start"), ("a", "died"), ("b", "died")}
        end = time.monotonic() + 60
        while not wanted <= events.seen() and time.monotonic() < end:
            time.sleep(0.1)
        assert wanted <= events.seen(), events.lines
        events.stop()
        assert events.process.returncode == 0  # ended by SIGINT, not killed
    finally:
        events.stop()


def test_down_after_an_up_that_failed_half_way(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "compose.yaml").write_text(
            f"services:\n"
            f"  ok:\n    image: {base_image}\n    command: sleep 1000\n    stop_signal: SIGKILL\n"
            f"  clash:\n    image: {base_image}\n    command: sleep 1000\n"
            f"    ports: ['127.0.0.1:{port}:80']\n    depends_on: [ok]\n"
        )
        compose = ("compose", "-p", "half", "-f", str(tmp_path / "compose.yaml"))
        failed = hutch(*compose, "up", "-d", check=False, timeout=120)
        # hutch start's code for a port it cannot publish (126), the service named
        assert failed.returncode == 126, failed.stderr
        assert "Error: service 'clash': " in failed.stderr
        assert "already in use" in failed.stderr
        # what started keeps running, as with docker compose
        assert hutch("ps", "--format", "{{.Names}}").stdout == "half-ok-1\n"
    hutch(*compose, "down", timeout=60)
    assert hutch("ps", "-a", "-q").stdout == ""
    assert hutch("network", "exists", "half_default", check=False).returncode == 1

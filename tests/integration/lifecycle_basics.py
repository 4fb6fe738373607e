"""Helpers of the container life-cycle tests (test_lifecycle_{detach,restart,query,errors,
extras}): polling, ports, processes, inspect, and no default network."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from harness import Hutch, HutchEnv, leftover_pids

T = TypeVar("T")


@pytest.fixture(autouse=True)
def no_default_network(hutch_env: HutchEnv) -> None:
    """Containers of these tests get no network unless a test asks for one.

    The life cycle does not depend on networking: a failure of the network
    helpers must show in the network tests, not here. Test modules import this
    fixture, which makes it apply to them.
    """
    config = hutch_env.config_home / "hutch" / "hutch.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[network]\ndefault = "none"\n')


def eventually(
    probe: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.1, what: str = ""
) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or probe}: last {last!r}")


def inspect(hutch: Hutch, name: str) -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(hutch("container", "inspect", name).stdout)
    assert len(data) == 1
    return data[0]


def status(hutch: Hutch, name: str) -> str:
    return hutch("inspect", "-f", "{{.State.Status}}", name).stdout.strip()


def pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


# a monitor's argv: the full one (python -S -m hutch.runtime.monitor), or the idle loop
# it execs under the same pid a second after a detached start (runtime/idle.py)
MONITOR = b"hutch.runtime.monitor"
IDLE = b"hutch.runtime.idle"


def is_monitor(argv: list[bytes]) -> bool:
    """Whether ``argv`` (a /proc/PID/cmdline split at NULs) is a container's monitor."""
    return MONITOR in argv or any(IDLE in arg for arg in argv)


def container_pids(env: HutchEnv) -> list[int]:
    """Processes of this test's hutch session other than the namespace holder."""
    try:
        holder = int(env.session_pid_file.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        holder = -1
    return [p for p in leftover_pids(env) if p not in (holder, os.getpid())]


def log_lines(hutch: Hutch, name: str) -> list[str]:
    return hutch("logs", name).stdout.splitlines()


def one_line_error(stderr: str) -> str:
    """The single ``Error: ...`` line of a failed command (fails on anything else)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one error line, got {lines!r}"
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]

"""What a systemd service needs from ``run``: ``--replace`` and ``--sdnotify``.

A datagram socket of the test stands in for systemd's NOTIFY_SOCKET (the
guest lane shows a real user manager taking the same messages).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_basics import (
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(path))
        path.chmod(0o777)
        tmp_path.chmod(0o755)
        s.settimeout(0.5)
        yield s, str(path)


def received(s: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(s.recv(4096).decode())
        except TimeoutError:
            return out


def test_replace_removes_the_holder_of_the_name(hutch: Hutch, base_image: str) -> None:
    first = hutch("run", "-d", "--name", "svc", base_image, "sleep", "1000").stdout.strip()
    second = hutch(
        "run", "-d", "--replace", "--name", "svc", base_image, "sleep", "1000"
    ).stdout.strip()
    assert first != second
    assert hutch("ps", "-a", "-q", "--no-trunc").stdout.split() == [second]
    # Nothing to replace is no error either.
    hutch("rm", "-f", "svc")
    hutch("run", "--replace", "--rm", "--name", "svc", base_image, "true")


def test_replace_needs_a_name_and_sdnotify_a_known_mode(hutch: Hutch, base_image: str) -> None:
    for argv, message in (
        (["--replace"], "cannot replace container without --name being set"),
        (["--sdnotify=container"], "--sdnotify=container is not supported by hutch yet"),
        (["--sdnotify=bogus"], "invalid --sdnotify 'bogus'"),
        (["--sdnotify=healthy"], "--sdnotify=healthy needs a health check"),
    ):
        result = hutch("run", "--rm", *argv, base_image, "true", check=False)
        assert result.returncode == 125
        assert message in one_line_error(result.stderr)
    assert hutch("ps", "-a", "-q").stdout == ""


def test_sdnotify_conmon_says_ready_once_running(
    hutch: Hutch, base_image: str, notify_socket: tuple[socket.socket, str]
) -> None:
    s, path = notify_socket
    env = {"NOTIFY_SOCKET": path}
    # Attached: hutch itself stays the main process and only says READY=1.
    assert hutch("run", "--rm", base_image, "true", env=env).returncode == 0
    assert received(s) == ["READY=1"]
    # Detached: the monitor becomes the main process.
    hutch("run", "-d", "--name", "d", base_image, "sleep", "1000", env=env)
    (message,) = received(s)
    mainpid, ready = message.split("\n")
    assert ready == "READY=1"
    monitor = int(mainpid.removeprefix("MAINPID="))
    cmdline = Path(f"/proc/{monitor}/cmdline").read_bytes()
    assert b"hutch.runtime.monitor" in cmdline
    # ignore: nothing is said.
    hutch("run", "--rm", "--sdnotify=ignore", base_image, "true", env=env)
    assert received(s) == []


def test_sdnotify_healthy_says_ready_once_the_check_passes(
    hutch: Hutch, base_image: str, notify_socket: tuple[socket.socket, str]
) -> None:
    s, path = notify_socket
    env = {"NOTIFY_SOCKET": path}
    check = ["--sdnotify=healthy", "--health-cmd=true", "--health-interval=1s"]
    # Attached: READY=1 comes from a thread while hutch relays the output.
    hutch("run", "--rm", *check, base_image, "sleep", "3", env=env)
    assert received(s) == ["READY=1"]
    # Detached: run returns once the container is healthy, handing over to the monitor.
    hutch("run", "-d", "--name", "h", *check, base_image, "sleep", "1000", env=env)
    assert hutch("inspect", "--format", "{{.State.Health.Status}}", "h").stdout.strip() == (
        "healthy"
    )
    (message,) = received(s)
    assert message.startswith("MAINPID=") and message.endswith("\nREADY=1")
    # A check that never passes: no READY=1 before the container exits.
    hutch("run", "--rm", "--sdnotify=healthy", "--health-cmd=false", "--health-interval=1s",
          base_image, "sleep", "2", env=env)  # fmt: skip
    assert received(s) == []

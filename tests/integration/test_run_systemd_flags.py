"""What a systemd service needs from ``run``: ``--replace`` and ``--sdnotify``.

A datagram socket of the test stands in for systemd's NOTIFY_SOCKET (the
guest lane shows a real user manager taking the same messages); in the
container, ``sd_notify_send.c`` (compiled static once per session) is the
service's own sd_notify(3).
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_basics import (
    is_monitor,
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)

SENDER = Path(__file__).resolve().parent / "sd_notify_send.c"


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(path))
        path.chmod(0o777)
        tmp_path.chmod(0o755)
        s.settimeout(0.5)
        yield s, str(path)


@pytest.fixture(scope="session")
def notify_sender(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("sdnotify")
    work.chmod(0o755)
    out = work / "sd_notify_send"
    subprocess.run(["gcc", "-static", "-O2", "-o", str(out), str(SENDER)], check=True)
    return out


def received(s: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(s.recv(4096).decode())
        except TimeoutError:
            return out


def test_replace_removes_the_holder_of_the_name(hutch: Hutch, base_image: str) -> None:
    # --stop-timeout 0: the removal stops the holder with its own timeout, and a `sleep`
    # as pid 1 ignores SIGTERM (10 s of waiting otherwise)
    first = hutch(
        "run", "-d", "--stop-timeout", "0", "--name", "svc", base_image, "sleep", "1000"
    ).stdout.strip()
    second = hutch(
        "run", "-d", "--replace", "--name", "svc", base_image, "sleep", "1000"
    ).stdout.strip()
    assert first != second
    assert hutch("ps", "-a", "-q", "--no-trunc").stdout.split() == [second]
    # Nothing to replace is no error either.
    hutch("rm", "-f", "-t", "0", "svc")
    hutch("run", "--replace", "--rm", "--name", "svc", base_image, "true")


def test_replace_needs_a_name_and_sdnotify_a_known_mode(hutch: Hutch, base_image: str) -> None:
    for argv, message in (
        (["--replace"], "cannot replace container without --name being set"),
        (
            ["--sdnotify=bogus"],
            'invalid sdnotify value "bogus": must be conmon, container, healthy or ignore',
        ),
        (["--sdnotify=healthy"], "--sdnotify=healthy needs a health check"),
    ):
        result = hutch("run", "--rm", *argv, base_image, "true", check=False)
        assert result.returncode == 125
        assert message in one_line_error(result.stderr)
    assert hutch("ps", "-a", "-q").stdout == ""


def _is_monitor(pid: int) -> bool:
    return is_monitor(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))


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
    assert _is_monitor(monitor)
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


def test_sdnotify_container_relays_the_containers_own_messages(
    hutch: Hutch,
    base_image: str,
    notify_socket: tuple[socket.socket, str],
    notify_sender: Path,
) -> None:
    s, path = notify_socket
    env = {"NOTIFY_SOCKET": path}
    sender = ["-v", f"{notify_sender}:/sd_notify_send:ro"]
    # Attached: hutch says nothing of its own; the container's messages pass
    # (its MAINPID=, a pid of its own pid namespace, is dropped).
    script = (
        "echo $NOTIFY_SOCKET; /sd_notify_send STATUS=warming; "
        "/sd_notify_send \"$(printf 'MAINPID=1\\nREADY=1')\""
    )
    run = ["run", "--rm", "--sdnotify=container", *sender, base_image, "sh", "-c", script]
    assert hutch(*run, env=env).stdout == "/run/notify/notify.sock\n"
    assert received(s) == ["STATUS=warming", "READY=1"]
    # A container that says nothing: nothing is said (conmon would say READY=1).
    hutch("run", "--rm", "--sdnotify=container", base_image, "true", env=env)
    assert received(s) == []
    # Detached: run returns once the container has said READY=1, which goes out
    # with the monitor as the main process.
    script = "sleep 1; /sd_notify_send READY=1; exec sleep 1000"
    hutch("run", "-d", "--name", "c", "--sdnotify=container", *sender, base_image,
          "sh", "-c", script, env=env)  # fmt: skip
    (message,) = received(s)
    mainpid, ready = message.split("\n")
    assert ready == "READY=1"
    monitor = int(mainpid.removeprefix("MAINPID="))
    assert _is_monitor(monitor)

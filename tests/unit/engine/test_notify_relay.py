"""``--sdnotify=container``: the relay of the container's messages, over real sockets
(a listener stands for systemd's NOTIFY_SOCKET)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.engine import notify_relay
from hutch.runtime.spec import Mount, Process, Rootfs, Spec


@pytest.fixture
def manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """systemd's side: a datagram socket named by NOTIFY_SOCKET."""
    path = tmp_path / "systemd.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(30)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def container_send(userdata: Path, message: bytes) -> None:
    """What sd_notify in the container does, through the bound directory."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        fd = os.open(userdata / "notify", os.O_PATH)
        try:
            s.sendto(message, f"/proc/self/fd/{fd}/notify.sock")
        finally:
            os.close(fd)


def long_userdata(tmp_path: Path) -> Path:
    # as deep as a real store's userdata with a 64-digit id: past sun_path's 108 bytes
    userdata = tmp_path / ("c" * 64) / "userdata"
    userdata.mkdir(parents=True)
    return userdata


@pytest.mark.parametrize(
    ("message", "mainpid", "expected"),
    [
        (b"READY=1", None, ("READY=1", True)),
        (b"READY=1", 42, ("MAINPID=42\nREADY=1", True)),
        (b"STATUS=warming up\n", 42, ("STATUS=warming up", False)),
        (b"MAINPID=1\nREADY=1\nSTATUS=ok", None, ("READY=1\nSTATUS=ok", True)),
        (b"MAINPID=7", None, ("", False)),
        (b"READY=10", None, ("READY=10", False)),
    ],
)
def test_translate(message: bytes, mainpid: int | None, expected: tuple[str, bool]) -> None:
    assert notify_relay.translate(message, mainpid) == expected


def test_apply_binds_the_directory_last_and_names_the_socket(tmp_path: Path) -> None:
    tmpfs = Mount("tmpfs", "/run")
    spec = Spec(
        id="c",
        hostname="h",
        process=Process(args=("sh",), env=("PATH=/bin", "NOTIFY_SOCKET=/x")),
        rootfs=Rootfs(kind="bind", target=str(tmp_path / "merged")),
        mounts=(tmpfs,),
    )
    userdata = long_userdata(tmp_path)
    got = notify_relay.apply(spec, "container", userdata)
    assert got.mounts == (tmpfs, Mount("bind", "/run/notify", str(userdata / "notify"), ("rw",)))
    assert got.process.env == ("PATH=/bin", "NOTIFY_SOCKET=/run/notify/notify.sock")
    for mode in ("conmon", "healthy", "ignore"):
        assert notify_relay.apply(spec, mode, userdata) is spec


def test_bind_makes_a_socket_anyone_in_the_container_can_reach(tmp_path: Path) -> None:
    userdata = long_userdata(tmp_path)
    assert len(str(userdata / "notify" / "notify.sock")) > 108
    with notify_relay.bind(userdata):
        path = userdata / "notify" / "notify.sock"
        assert path.is_socket() and path.stat().st_mode & 0o777 == 0o777
        assert (userdata / "notify").stat().st_mode & 0o777 == 0o755
    with notify_relay.bind(userdata):  # a later start binds it again
        assert path.is_socket()


def test_detached_relays_until_ready_with_the_monitors_pid(
    tmp_path: Path, manager: socket.socket
) -> None:
    userdata = long_userdata(tmp_path)
    with notify_relay.bind(userdata) as sock:
        container_send(userdata, b"STATUS=starting")
        container_send(userdata, b"READY=1\nMAINPID=1")
        ready = notify_relay.relay_until_ready(
            sock, tmp_path / "state.json", 4321, running=lambda _: True
        )
    assert ready
    assert manager.recv(100) == b"STATUS=starting"
    assert manager.recv(100) == b"MAINPID=4321\nREADY=1"


def test_detached_stops_waiting_when_the_container_stops(tmp_path: Path) -> None:
    userdata = long_userdata(tmp_path)
    sent: list[str] = []

    def send(message: str) -> bool:
        sent.append(message)
        return True

    with notify_relay.bind(userdata) as sock:
        ready = notify_relay.relay_until_ready(
            sock, tmp_path / "state.json", 1, running=lambda _: False, send=send
        )
    assert not ready and sent == []
    with notify_relay.bind(userdata) as sock:  # said just before its end: still relayed
        container_send(userdata, b"READY=1")
        ready = notify_relay.relay_until_ready(
            sock, tmp_path / "state.json", 1, running=lambda _: False, send=send
        )
    assert ready and sent == ["MAINPID=1\nREADY=1"]


def test_attached_relays_every_message_while_it_runs(
    tmp_path: Path, manager: socket.socket
) -> None:
    userdata = long_userdata(tmp_path)
    relay = notify_relay.Relay(notify_relay.bind(userdata))
    try:
        container_send(userdata, b"READY=1")
        assert manager.recv(100) == b"READY=1"  # no MAINPID: run is the main process
        container_send(userdata, b"STATUS=serving")
        assert manager.recv(100) == b"STATUS=serving"
    finally:
        relay.close()
    assert not any(t.name == "sdnotify-relay" for t in threading.enumerate())


def test_wanted_only_under_a_service_manager() -> None:
    assert notify_relay.wanted({"NOTIFY_SOCKET": "/run/systemd/notify"})
    assert notify_relay.wanted({"NOTIFY_SOCKET": "@abstract"})
    assert not notify_relay.wanted({})
    assert not notify_relay.wanted({"NOTIFY_SOCKET": "relative"})

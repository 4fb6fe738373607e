"""``--sdnotify=healthy``: the wait for the first passing check, on recorded states."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hutch.engine import health_notify
from hutch.runtime import state as st
from hutch.runtime.state import Health, RuntimeState

ME = os.getpid()
Read = Callable[[Path], RuntimeState]


def states(*items: RuntimeState) -> tuple[list[float], Read]:
    """A read function that returns ``items`` in turn (the last one again and again)."""
    sleeps: list[float] = []
    queue = list(items)

    def read(_path: Path) -> RuntimeState:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return sleeps, read


def running(health: str) -> RuntimeState:
    # This test's own pid stands for a live monitor.
    return RuntimeState(
        status=st.RUNNING,
        health=Health(status=health),
        monitor_pid=ME,
        monitor_start=st.process_start_time(ME),
    )


def test_ready_after_starting_and_unhealthy_turn_healthy() -> None:
    sleeps, read = states(running("starting"), running("unhealthy"), running("healthy"))
    assert health_notify.wait_healthy(Path("s"), read=read, sleep=sleeps.append)
    assert sleeps == [health_notify.POLL_SECONDS] * 2


def test_a_container_that_exits_first_is_never_ready() -> None:
    sleeps, read = states(running("starting"), RuntimeState(status=st.EXITED))
    assert not health_notify.wait_healthy(Path("s"), read=read, sleep=sleeps.append)


def test_a_dead_monitor_counts_as_exited() -> None:
    dead = RuntimeState(status=st.RUNNING, health=Health(status="starting"), monitor_pid=0)
    sleeps, read = states(dead)
    assert not health_notify.wait_healthy(Path("s"), read=read, sleep=sleeps.append)
    assert sleeps == []


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(path))
        s.settimeout(30)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        yield s


def test_the_notifier_thread_says_ready_from_the_state_file(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    path = st.state_path(tmp_path)
    st.write_state(path, running("starting"))
    notifier = health_notify.Notifier(path)
    try:
        st.write_state(path, running("healthy"))
        assert notify_socket.recv(100) == b"READY=1"
    finally:
        notifier.close()


def test_a_closed_notifier_says_nothing(tmp_path: Path, notify_socket: socket.socket) -> None:
    path = st.state_path(tmp_path)
    st.write_state(path, running("starting"))
    notifier = health_notify.Notifier(path)
    notifier.close()
    st.write_state(path, running("healthy"))
    notify_socket.settimeout(0.5)
    with pytest.raises(TimeoutError):
        notify_socket.recv(100)
    assert not any(t.name == "sdnotify-healthy" for t in threading.enumerate())

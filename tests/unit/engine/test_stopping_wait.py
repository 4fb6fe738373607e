"""``stop`` waits for the monitor's word (its EXIT frame, a hang-up) rather than the next
look at the state; output frames do not end the wait."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from typing import Any

import pytest

from hutch.engine import stopping
from hutch.runtime import attachproto as ap


def _pending(watch: socket.socket | None, deadline: float = float("inf")) -> stopping._Pending:
    container: Any = None  # the wait reads only the connection and the deadline
    item = stopping._Pending(container, deadline, 10)
    if watch is not None:
        watch.setblocking(False)
    item.watch = watch
    return item


def _later(sock: socket.socket, data: bytes, delay: float) -> None:
    def send() -> None:
        time.sleep(delay)
        sock.sendall(data)

    threading.Thread(target=send, daemon=True).start()


# The waits below tell which event ended them by the time they took: the next look
# is made long (LONG) where they must end before it, so that a loaded machine's late
# wake-up (a tenth of a second and more, seen in CI) cannot pass for it.
LONG = 3.0


def test_the_exit_frame_ends_the_wait_after_output_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stopping, "WATCHED_POLL", LONG)
    ours, monitor = socket.socketpair()
    with ours, monitor:
        item = _pending(ours)
        _later(monitor, ap.frame(ap.STDOUT, b"bye\n"), 0.02)
        _later(monitor, ap.frame(ap.EXIT, b"137"), 0.1)
        began = time.monotonic()
        stopping._wait_word([item], began)
        took = time.monotonic() - began
        assert 0.08 <= took < LONG / 2
        assert item.watch is ours  # still connected: the monitor said it, not hung up


def test_output_alone_waits_for_the_next_look_and_a_hang_up_ends_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, monitor = socket.socketpair()
    with ours:
        item = _pending(ours)
        monitor.sendall(ap.frame(ap.STDOUT, b"chatty\n"))
        began = time.monotonic()
        stopping._wait_word([item], began)
        assert time.monotonic() - began >= stopping.WATCHED_POLL - 0.01
        monkeypatch.setattr(stopping, "WATCHED_POLL", LONG)
        monitor.close()
        began = time.monotonic()
        stopping._wait_word([item], began)
        assert time.monotonic() - began < LONG / 2
        assert item.watch is None  # unwatched: later waits poll the state


def test_a_deadline_comes_first_and_no_connection_means_the_short_poll(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stopping, "WATCHED_POLL", LONG)
    ours, monitor = socket.socketpair()
    with ours, monitor:
        began = time.monotonic()
        stopping._wait_word([_pending(ours, deadline=began + 0.05)], began)
        assert 0.04 <= time.monotonic() - began < LONG / 2
    began = time.monotonic()
    stopping._wait_word([_pending(None)], began)  # POLL (0.02 s), not the watched look
    assert time.monotonic() - began < LONG / 2


def test_rm_waits_for_the_monitor_until_it_exits_and_no_longer() -> None:
    """``wait_gone`` (rm's wait for a stopped container's monitor) returns once the
    process has exited, before its timeout; False while it lives on."""
    from hutch.runtime import state as st

    child = subprocess.Popen(["sleep", "0.3"])
    try:
        start = st.process_start_time(child.pid)
        assert start
        assert stopping.wait_gone(child.pid, start, 0.05) is False  # still there
        began = time.monotonic()
        assert stopping.wait_gone(child.pid, start, 10.0) is True
        assert time.monotonic() - began < 5.0  # woken by its exit, not the timeout
        assert not st.alive(child.pid, start)
        # another process's start time (a reused pid) is not waited for
        assert stopping.wait_gone(os.getpid(), "1", 10.0) is True
    finally:
        child.kill()
        child.wait()

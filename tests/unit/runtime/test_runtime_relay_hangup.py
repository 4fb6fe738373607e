"""The attach relay's hang-up descriptor: a server's client that left ends the
relay at once (as a detach), though the container says nothing."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from hutch.runtime import attachproto as ap
from hutch.runtime.relay import Detached, relay


def test_a_closed_hangup_pipe_ends_a_silent_relay_as_a_detach() -> None:
    monitor, ours = socket.socketpair()
    out_r, out_w = os.pipe()
    in_r, in_w = os.pipe()
    hang_r, hang_w = os.pipe()
    try:
        ended: list[BaseException] = []

        def run() -> None:
            try:
                relay(ours, stdin=True, terminal=False, stdio=(in_r, out_w, out_w), hangup=hang_r)
            except BaseException as exc:
                ended.append(exc)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        monitor.sendall(ap.frame(ap.STDOUT, b"hello\n"))
        assert os.read(out_r, 100) == b"hello\n"
        # The client leaves: the hang-up first, then its input's end.
        os.close(hang_w)
        hang_w = -1
        os.close(in_w)
        in_w = -1
        worker.join(10)
        assert not worker.is_alive() and isinstance(ended[0], Detached)
        monitor.settimeout(0)
        with pytest.raises(BlockingIOError):  # no STDIN_EOF reached the container
            monitor.recv(100)
    finally:
        for fd in (out_r, out_w, in_r, in_w, hang_r, hang_w):
            if fd >= 0:
                os.close(fd)
        monitor.close()
        ours.close()


def test_without_a_hangup_the_exit_frame_ends_the_relay() -> None:
    monitor, ours = socket.socketpair()
    out_r, out_w = os.pipe()
    try:
        monitor.sendall(ap.frame(ap.STDOUT, b"x") + ap.frame(ap.EXIT, b"3"))
        assert relay(ours, stdin=False, terminal=False, stdio=(0, out_w, out_w)) == 3
        assert os.read(out_r, 10) == b"x"
    finally:
        for fd in (out_r, out_w):
            os.close(fd)
        monitor.close()
        ours.close()


def test_input_the_monitor_no_longer_takes_leaves_its_output_and_exit_to_read() -> None:
    """A command that ended with its input not read (``cat /f`` with stdin at its end):
    the monitor no longer reads, so telling it of the input's end breaks the pipe; the
    relay still reads the output and the exit (it ended with 141 on a CI run)."""
    monitor, ours = socket.socketpair()
    monitor.shutdown(socket.SHUT_RD)  # what ours sends now meets EPIPE
    out_r, out_w = os.pipe()
    in_r, in_w = os.pipe()
    os.close(in_w)  # the input is at its end from the start
    got: list[int | None] = []
    try:
        worker = threading.Thread(
            target=lambda: got.append(
                relay(ours, stdin=True, terminal=False, stdio=(in_r, out_w, out_w))
            ),
            daemon=True,
        )
        worker.start()
        worker.join(0.3)  # the input's end is seen (and its frame refused) first
        monitor.sendall(ap.frame(ap.STDOUT, b"a layer\n") + ap.frame(ap.EXIT, b"0"))
        worker.join(10)
        assert got == [0]
        assert os.read(out_r, 100) == b"a layer\n"
    finally:
        for fd in (out_r, out_w, in_r):
            os.close(fd)
        monitor.close()
        ours.close()

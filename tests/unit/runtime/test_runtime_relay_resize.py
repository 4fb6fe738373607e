"""The relay's window size, told to a monitor that may have gone already."""

from __future__ import annotations

import fcntl
import os
import socket
import struct
import termios

from hutch.runtime import attachproto as ap
from hutch.runtime.relay import send_size


def _terminal(rows: int, cols: int) -> tuple[int, int]:
    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return master, slave


def test_the_size_goes_as_a_resize_frame() -> None:
    master, slave = _terminal(30, 100)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        send_size(ours, slave)
        frames = ap.FrameReader().feed(theirs.recv(64))
        assert frames == [(ap.RESIZE, b"30 100")]
    finally:
        for fd in (master, slave):
            os.close(fd)
        ours.close()
        theirs.close()


def test_a_monitor_gone_with_its_short_command_is_no_error() -> None:
    # run -t of ``stty size``: the command ended and the monitor closed before the
    # relay told the size again; its output is still to be read, the run exits 0
    master, slave = _terminal(30, 100)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    theirs.close()
    try:
        send_size(ours, slave)  # EPIPE, ignored
    finally:
        for fd in (master, slave):
            os.close(fd)
        ours.close()

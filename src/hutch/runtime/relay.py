"""Relaying the user's terminal to a container's pseudo-terminal.

The local terminal goes into raw mode (so ^C reaches the container as a
byte), the window size follows SIGWINCH, and the loop ends when the
container side closes (EIO on the master once the last slave fd is gone).
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import struct
import termios
import tty
from types import FrameType


def copy_window_size(src_fd: int, dst_fd: int) -> None:
    try:
        size = fcntl.ioctl(src_fd, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
        fcntl.ioctl(dst_fd, termios.TIOCSWINSZ, size)
    except OSError:
        pass


def relay_terminal(master: int, *, stdin: bool) -> None:
    """Copy stdin→master and master→stdout until the container side closes."""
    in_fd, out_fd = 0, 1
    is_tty = os.isatty(in_fd)
    saved = termios.tcgetattr(in_fd) if is_tty else None
    if is_tty:
        copy_window_size(in_fd, master)

    def on_winch(_sig: int, _frame: FrameType | None) -> None:
        copy_window_size(in_fd, master)

    previous = signal.signal(signal.SIGWINCH, on_winch)
    try:
        if is_tty and stdin:
            tty.setraw(in_fd)
        _pump(master, in_fd if stdin else None, out_fd)
    finally:
        signal.signal(signal.SIGWINCH, previous)
        if saved is not None:
            termios.tcsetattr(in_fd, termios.TCSADRAIN, saved)


def _pump(master: int, in_fd: int | None, out_fd: int) -> None:
    readers = [master] + ([in_fd] if in_fd is not None else [])
    while True:
        try:
            ready, _, _ = select.select(readers, [], [])
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError as exc:
                if exc.errno == errno.EIO:
                    return
                raise
            if not data:
                return
            _write_all(out_fd, data)
        if in_fd is not None and in_fd in ready:
            data = os.read(in_fd, 65536)
            if not data:
                # End of input: send EOF (^D) as a terminal would, stop reading.
                _write_all(master, b"\x04")
                readers.remove(in_fd)
                in_fd = None
                continue
            _write_all(master, data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except InterruptedError:
            continue

"""The client side of attach: the user's terminal or pipes ↔ the monitor.

Output frames go to stdout/stderr; standard input (with ``-i``) goes to the
container as input frames; with a terminal, the local one is put in raw
mode (so ^C reaches the container as a byte) and window sizes follow
SIGWINCH. Returns the exit code from the monitor's final frame, or None if
the monitor hung up without one. A caller that relays for someone else (the
API service, for a client on a socket) may give a ``hangup`` descriptor: once
it is readable (that client left) the relay ends as a detach does, without
waiting for the container's next output.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
from types import FrameType

from hutch.runtime import attachproto as ap
from hutch.runtime.detachkeys import DetachMatcher
from hutch.util import gcpause
from hutch.util.fdio import write_all

TYPE_CHECKING = False  # no typing import on run's path (cli/fast.py)
if TYPE_CHECKING:
    # the C module's type: spawn's connections are its sockets, not socket.py's (a
    # subclass), whose import was 3 % of run's CLI (issue 16)
    import _socket


class Detached(Exception):
    """The user typed the detach keys: the container keeps running."""


def window_size(fd: int) -> tuple[int, int] | None:
    import termios  # a terminal's only, as in relay

    try:
        raw = fcntl.ioctl(fd, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
    except OSError:
        return None
    rows, cols, _x, _y = struct.unpack("HHHH", raw)
    return rows, cols


def send_size(conn: _socket.socket, fd: int) -> None:
    size = window_size(fd)
    if size is not None and size[0] and size[1]:
        # The monitor may have closed the connection already: a command as short as
        # ``stty size`` has ended, and its output is still here to be read (a run
        # started with the size; this was a second telling of it, exit 141 for it).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            ap.send_frame(conn, ap.RESIZE, f"{size[0]} {size[1]}".encode())


def relay(
    conn: _socket.socket,
    *,
    stdin: bool,
    terminal: bool,
    detach_keys: bytes = b"",
    stdio: tuple[int, int, int] = (0, 1, 2),
    hangup: int | None = None,
) -> int | None:
    """``stdio``: the descriptors of input, output and errors (ours by default);
    ``hangup``: readable when the caller's client has gone (raises ``Detached``)."""
    # a relay can last: the collector's again (the CLI paused it to start)
    gcpause.resume(freeze=True)
    in_fd = stdio[0]
    raw_mode = terminal and stdin and os.isatty(in_fd)
    saved = None
    if raw_mode:
        import termios  # a terminal's only: run without -it loads neither (issue 16)
        import tty

        saved = termios.tcgetattr(in_fd)
    previous = None
    if terminal and os.isatty(in_fd):
        send_size(conn, in_fd)

        def on_winch(_sig: int, _frame: FrameType | None) -> None:
            send_size(conn, in_fd)

        previous = signal.signal(signal.SIGWINCH, on_winch)
    try:
        if raw_mode:
            # TCSANOW: TCSAFLUSH (the default) would discard what the user
            # typed ahead while the container was starting.
            tty.setraw(in_fd, termios.TCSANOW)
        matcher = DetachMatcher(detach_keys)
        return _pump(conn, in_fd if stdin else None, matcher, stdio[1:], hangup)
    finally:
        if previous is not None:
            signal.signal(signal.SIGWINCH, previous)
        if saved is not None:
            termios.tcsetattr(in_fd, termios.TCSADRAIN, saved)


def _pump(
    conn: _socket.socket,
    in_fd: int | None,
    keys: DetachMatcher,
    out: tuple[int, int] = (1, 2),
    hangup: int | None = None,
) -> int | None:
    reader = ap.FrameReader()
    readers: list[int | _socket.socket] = [conn]
    if in_fd is not None:
        readers.append(in_fd)
    if hangup is not None:
        readers.append(hangup)
    while True:
        try:
            ready, _, _ = select.select(readers, [], [])
        except InterruptedError:
            continue
        if hangup is not None and hangup in ready:
            # Before the input: the client's end of input, seen in the same
            # round, is its leaving, not an end of file to pass on.
            raise Detached()
        if conn in ready:
            data = conn.recv(65536)
            if not data:
                return None
            for kind, payload in reader.feed(data):
                if kind == ap.STDOUT:
                    write_all(out[0], payload)
                elif kind == ap.STDERR:
                    write_all(out[1], payload)
                elif kind == ap.EXIT:
                    return int(payload)
        if in_fd is not None and in_fd in ready:
            data = os.read(in_fd, 65536)
            passed, detach = keys.feed(data)
            try:
                if passed:
                    ap.send_frame(conn, ap.STDIN, passed)
                if not detach and not data:
                    ap.send_frame(conn, ap.STDIN_EOF)
            except (BrokenPipeError, ConnectionResetError):
                # The monitor has closed its end: the command has ended (``cat /f``
                # with input at its end at once) and its output and exit are still
                # here to be read; no input reaches it any more (exit 141 before).
                data = b""
            if detach:
                raise Detached()
            if not data:
                readers.remove(in_fd)
                in_fd = None

"""Pipes between a hijacked client and the engine's relays (attach, exec, start).

The engine relays a container's streams to descriptors it is given
(``StartOptions.stdio``, ``AttachOptions.stdio``, ``ExecOptions.stdio``), as
it relays them to a terminal for the CLI. Here those descriptors are pipes:
one thread copies what the client sends into the stdin pipe (its end of
input closes the pipe: the container sees end of file), and ``pump_output``
copies stdout and stderr to the client, each piece in a Docker frame when
there is no terminal, raw when there is. A client that went away closes
the read ends, so the engine's next write fails (EPIPE) and its relay ends
instead of blocking on a full pipe; and it closes the write end of the
hang-up pipe (``hangup_fd``), so a relay waiting for a container that says
nothing (an attach to ``sleep``) ends at once rather than at its next output.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable

from hutch.service import mux
from hutch.service.reply import Hijacked


class Plumbing:
    def __init__(self, conn: Hijacked, *, tty: bool, stdin: bool) -> None:
        self.conn = conn
        self.tty = tty
        self.stdin = stdin
        self._null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        self.in_r, self.in_w = os.pipe() if stdin else (-1, -1)
        self.out_r, self.out_w = os.pipe()
        self.err_r, self.err_w = os.pipe()
        self.resize_r, self.resize_w = os.pipe() if tty else (-1, -1)
        # Readable (end of file) once the client has gone: the engine's relay ends.
        self.hangup_fd, self._hangup_w = os.pipe()
        self.client_gone = False
        self._lock = threading.Lock()

    def stdio(self) -> tuple[int, int, int]:
        return (self.in_r if self.stdin else self._null, self.out_w, self.err_w)

    def start_input(self) -> threading.Thread:
        thread = threading.Thread(target=self._copy_input, daemon=True, name="stdin")
        thread.start()
        return thread

    def _copy_input(self) -> None:
        while True:
            data = self.conn.recv()
            if not data:
                break
            if self.in_w < 0:
                continue  # not attached: read only to see the end
            try:
                _write_all(self.in_w, data)
            except OSError:
                break
        self._close("in_w")

    def writers_done(self) -> None:
        """The engine's work ended: our write ends close, so the output drains to EOF."""
        self._close("out_w")
        self._close("err_w")

    def resize(self, rows: int, cols: int) -> None:
        if self.resize_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self.resize_w, f"{rows} {cols}\n".encode())

    def pump_output(self, on_gone: Callable[[], None] | None = None) -> None:
        """Copy stdout and stderr to the client until both are at end of file.

        A client that closed its connection (POLLHUP: gone both ways, not the
        half-close of a client whose input ended) ends the copy at once and
        calls ``on_gone`` (an exec hangs its process up).
        """
        streams = {self.out_r: mux.STDOUT, self.err_r: mux.STDERR}
        poller = select.poll()
        for fd in streams:
            poller.register(fd, select.POLLIN)
        client = self.conn.sock.fileno()
        poller.register(client, 0)  # POLLHUP and POLLERR are always reported
        while streams:
            try:
                events = poller.poll()
            except InterruptedError:
                continue
            ready = []
            for fd, mask in events:
                if fd == client:
                    if mask & (select.POLLHUP | select.POLLERR):
                        self._gone(on_gone)
                        return
                    continue
                ready.append(fd)
            for fd in ready:
                data = os.read(fd, 65536)
                if not data:
                    del streams[fd]
                    poller.unregister(fd)
                    continue
                if self.client_gone:
                    continue
                piece = data if self.tty else mux.frame(streams[fd], data)
                if not self.conn.send(piece):
                    self._gone(on_gone)
                    return

    def _gone(self, on_gone: Callable[[], None] | None) -> None:
        self.client_gone = True
        # First the hang-up, then the input's end: the relay sees the client's
        # leaving, not an end of input to pass on to the container.
        self._close("_hangup_w")
        # Nobody reads any more: the engine's writes fail from now on.
        for name in ("out_r", "err_r"):
            self._close(name)
        self._close("in_w")
        if on_gone is not None:
            on_gone()

    def close(self) -> None:
        for name in ("in_r", "in_w", "out_r", "out_w", "err_r", "err_w", "resize_r", "resize_w"):
            self._close(name)
        for name in ("hangup_fd", "_hangup_w"):
            self._close(name)
        with contextlib.suppress(OSError):
            os.close(self._null)

    def _close(self, name: str) -> None:
        with self._lock:
            fd = getattr(self, name)
            if fd >= 0:
                setattr(self, name, -1)
                with contextlib.suppress(OSError):
                    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]

"""Writing a whole buffer to a file descriptor.

``os.write`` may write less than it was given (a pipe or terminal with
little room, a signal arriving mid-write), and on a non-blocking descriptor
it fails with EAGAIN instead of waiting. Standard library only: the monitor,
a small process per container, imports it, and its idle loop, which
takes ``posix`` rather than ``os`` (0.27 MB with what ``os`` imports).
"""

from __future__ import annotations

import errno
import posix
import select


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write every byte of ``data`` to ``fd``, or raise the ``OSError`` that stopped it.

    A short write goes on from where it stopped; EINTR is retried; EAGAIN
    (a non-blocking descriptor that is full) waits until ``fd`` is writable.
    """
    view = memoryview(data).cast("B")
    while view:
        try:
            written = posix.write(fd, view)
        except InterruptedError:
            continue
        except BlockingIOError:
            wait_writable(fd)
            continue
        if written == 0:  # not seen from pipes or sockets; never loop on it
            raise OSError(errno.EIO, f"write to descriptor {fd} made no progress")
        view = view[written:]


def wait_writable(fd: int) -> None:
    """Block until ``fd`` can take data (or has failed: the next write then says how).

    ``poll``, not ``select``: a descriptor numbered 1024 or more is fine.
    """
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    while True:
        try:
            poller.poll()
            return
        except InterruptedError:
            continue

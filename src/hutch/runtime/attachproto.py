"""The attach protocol between a container monitor and its clients.

A stream unix socket carrying frames: one type byte, a 4-byte big-endian
length, the payload. The monitor sends output and, at the end, the exit
code; clients send input, end of input and window sizes.
"""

from __future__ import annotations

import struct

TYPE_CHECKING = False  # not typing's: the idle monitor imports this
if TYPE_CHECKING:
    import _socket  # the C module's type, which socket.py's subclasses

STDOUT = 1
STDERR = 2
EXIT = 3
STDIN = 10
STDIN_EOF = 11
RESIZE = 12
# Control requests (client → monitor), each answered by one REPLY frame with a
# JSON payload: the monitor is the only writer of state.json, so pause and
# health checks are asked of it rather than done by the command.
PAUSE = 20
UNPAUSE = 21
HEALTHCHECK = 22
REPLY = 23
# A signal (its number as text) for the init, sent by the monitor in its own pid
# namespace: asked by a command that cannot reach the init's host pid, such as
# another container's cleanup (each monitor is PID 1 of a namespace of its own).
SIGNAL = 24
CONTROL = (PAUSE, UNPAUSE, HEALTHCHECK, SIGNAL)

_HEADER = struct.Struct(">BI")


def frame(kind: int, payload: bytes = b"") -> bytes:
    return _HEADER.pack(kind, len(payload)) + payload


class FrameReader:
    """Accumulates bytes from a socket and yields complete frames."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self._buf += data
        out = []
        while len(self._buf) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(self._buf)
            end = _HEADER.size + length
            if len(self._buf) < end:
                break
            out.append((kind, bytes(self._buf[_HEADER.size : end])))
            del self._buf[:end]
        return out

    def pending(self) -> bytes:
        """The bytes of an unfinished frame (handed over with the client by an exec of
        the monitor: ``runtime/idle.py``)."""
        return bytes(self._buf)


def send_frame(sock: _socket.socket, kind: int, payload: bytes = b"") -> None:
    sock.sendall(frame(kind, payload))

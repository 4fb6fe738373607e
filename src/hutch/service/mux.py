"""Docker's stream multiplexing: an 8-byte header before each piece of output.

Byte 0 is the stream (0 stdin, 1 stdout, 2 stderr), bytes 4-7 the length,
big-endian; used when the container has no terminal (with one, output is a
raw byte stream) by attach, exec start and logs.
"""

from __future__ import annotations

import struct

STDIN = 0
STDOUT = 1
STDERR = 2
_HEADER = struct.Struct(">BxxxL")


def frame(stream: int, data: bytes) -> bytes:
    return _HEADER.pack(stream, len(data)) + data


def parse(data: bytes) -> list[tuple[int, bytes]]:
    """The frames of ``data`` (whole frames only; tests and clients)."""
    out = []
    while len(data) >= _HEADER.size:
        stream, size = _HEADER.unpack_from(data)
        out.append((stream, data[_HEADER.size : _HEADER.size + size]))
        data = data[_HEADER.size + size :]
    return out

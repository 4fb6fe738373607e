"""What a handler answers: a whole body, a stream, or a hijacked connection.

- ``Reply``: status, body, content type (``json_reply`` and ``no_content``
  build the common ones).
- ``Stream``: an iterator of byte chunks sent as they come (chunked
  transfer); the connection closes the iterator when the client goes away,
  so its ``finally`` blocks run (``http11.py`` says how). One that can wait
  for ever without output asks ``Request.gone`` while it waits, or yields
  ``b""`` now and then: otherwise it is closed only at its next piece.
- ``Hijack``: after the status line the connection is the handler's (attach,
  exec start): ``run`` gets the raw socket and whatever the client sent
  after its request.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

JSON = "application/json"
RAW_STREAM = "application/vnd.docker.raw-stream"
MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Stream:
    chunks: Iterator[bytes]
    status: int = 200
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()


class Hijacked:
    """The client's socket after the switch, and the bytes it had already sent."""

    def __init__(self, sock: socket.socket, pending: bytes) -> None:
        self.sock = sock
        self._pending = pending

    def recv(self, size: int = 65536) -> bytes:
        """The client's next bytes; b"" once it closed (or half-closed) its side."""
        if self._pending:
            data, self._pending = self._pending[:size], self._pending[size:]
            return data
        try:
            return self.sock.recv(size)
        except OSError:
            return b""

    def send(self, data: bytes) -> bool:
        """Send all of ``data``; False once the client has gone."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def close_write(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)


@dataclass(frozen=True)
class Hijack:
    run: Callable[[Hijacked], None]
    content_type: str = RAW_STREAM


Answer = Reply | Stream | Hijack


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode() + b"\n")


def no_content() -> Reply:
    return Reply(204, b"", content_type="")


def json_lines(values: Iterator[Any]) -> Iterator[bytes]:
    """One JSON document per line (events, stats, pull progress)."""
    for value in values:
        yield json.dumps(value).encode() + b"\n"

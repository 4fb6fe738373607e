"""Fixtures ``host_server`` and ``host_address_server``: an HTTP server answering
"from-host", on the host's loopback only (what a private network reaches through
its gateway, 10.0.2.2) or on every address of the host (what it reaches as
host.containers.internal, the host's own address, as podman names it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@contextmanager
def _serving(address: str) -> Iterator[tuple[str, int]]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"from-host\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(name="host_server")
def fixture_host_server() -> Iterator[tuple[str, int]]:
    with _serving("127.0.0.1") as served:
        yield served


@pytest.fixture(name="host_address_server")
def fixture_host_address_server() -> Iterator[tuple[str, int]]:
    with _serving("0.0.0.0") as served:
        yield served

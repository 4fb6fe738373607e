"""kube play's httpGet/tcpSocket probes, run by hutch itself (runtime/probe.py)."""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator

import pytest

from hutch.runtime import probe
from unit.httpserve import serving


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path.startswith("/ok") else 503)
        self.end_headers()
        self.wfile.write(b"body")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    with serving(_Handler) as port:
        yield port


def test_targets_parse() -> None:
    assert probe.parse("http://localhost:8080/healthz?x=1") == probe.Target(
        "http", "localhost", 8080, "/healthz?x=1"
    )
    assert probe.parse("tcp://[::1]:53") == probe.Target("tcp", "::1", 53, "/")
    for bad in ("ftp://h:1/", "http://h/", "localhost:80"):
        with pytest.raises(ValueError):
            probe.parse(bad)


def test_http_passes_below_400_and_fails_from_it(server: int) -> None:
    code, text = probe.run(probe.parse(f"http://127.0.0.1:{server}/ok"), 5)
    assert (code, text) == (0, "GET /ok: 200 OK\n")
    code, text = probe.run(probe.parse(f"http://127.0.0.1:{server}/down"), 5)
    assert code == 1 and text.startswith("GET /down: 503")


def test_tcp_connects_or_fails(server: int) -> None:
    assert probe.run(probe.parse(f"tcp://127.0.0.1:{server}"), 5)[0] == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # bound, not listening: refused
        code, text = probe.run(probe.parse(f"tcp://127.0.0.1:{closed}"), 5)
    assert code == 1 and "refused" in text.lower()
    code, _ = probe.run(probe.parse(f"http://127.0.0.1:{closed}/"), 5)
    assert code == 1

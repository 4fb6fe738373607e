from __future__ import annotations

import http.server
import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.images import is_import_url
from hutch.engine.import_source import EMPTY_TAR, open_source


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("http://h/x.tar", True),
        ("https://h/x.tar", True),
        ("ftp://h/x", True),
        ("file:/x", True),
        ("/tmp/x.tar", False),
        ("x.tar", False),
        ("-", False),
        ("c:x", False),  # Go's ParseRequestURI wants a "/" after the scheme
    ],
)
def test_what_podman_takes_for_a_url(source: str, url: bool) -> None:
    assert is_import_url(source) is url


def test_a_missing_file_in_podmans_words(tmp_path: Path) -> None:
    missing = tmp_path / "nope.tar"
    with pytest.raises(InvalidArgument) as caught, open_source(str(missing)):
        pass
    assert str(caught.value) == (
        f'error opening "{missing}": open {missing}: no such file or directory'
    )


def test_an_empty_file_reads_as_an_empty_tar(tmp_path: Path) -> None:
    (tmp_path / "e.tar").write_bytes(b"")
    with open_source(str(tmp_path / "e.tar")) as stream:
        assert stream.read() == EMPTY_TAR
    (tmp_path / "f.tar").write_bytes(b"data")
    with open_source(str(tmp_path / "f.tar")) as stream:
        assert stream.read() == b"data"


def test_empty_stdin_reads_as_an_empty_tar(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"")))
    monkeypatch.setattr("sys.stdin", fake)
    with open_source("-") as stream:
        assert stream.read() == EMPTY_TAR


def test_unsupported_scheme_in_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as caught, open_source("ftp://h/x.tar"):
        pass
    assert str(caught.value) == (
        'downloading ftp://h/x.tar: Get "ftp://h/x.tar": unsupported protocol scheme "ftp"'
    )


def test_connection_refused_in_podmans_words() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.tar"
    with pytest.raises(InvalidArgument) as caught, open_source(url):
        pass
    assert str(caught.value) == (
        f'downloading {url}: Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused'
    )


@pytest.fixture(name="server")
def fixture_server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"tar bytes" if self.path == "/x.tar" else b"not here"
            self.send_response(200 if self.path == "/x.tar" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_fetched_and_its_body_read_whatever_the_status(server: str) -> None:
    with open_source(f"{server}/x.tar") as stream:
        assert stream.read() == b"tar bytes"
    with open_source(f"{server}/gone.tar") as stream:  # podman imports the body too
        assert stream.read() == b"not here"

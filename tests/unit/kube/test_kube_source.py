"""Where play and down read YAML from: a file, standard input, an http(s) URL."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.kube.play import read_source
from unit.httpserve import serving

TEXT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"


@pytest.fixture
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/k.yaml"
            self.send_response(200 if found else 404)
            self.end_headers()
            if found:
                self.wfile.write(TEXT.encode())

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}"


def test_a_file_standard_input_and_an_url(tmp_path: Path, server: str) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(TEXT)
    assert read_source(str(path), None) == (TEXT, "k.yaml")
    assert read_source("-", lambda: TEXT) == (TEXT, "stdin")
    assert read_source(f"{server}/k.yaml", None) == (TEXT, f"{server}/k.yaml")


def test_what_cannot_be_read_is_one_error(tmp_path: Path, server: str) -> None:
    with pytest.raises(InvalidArgument, match="no such file or directory"):
        read_source(str(tmp_path / "missing.yaml"), None)
    with pytest.raises(InvalidArgument, match="HTTP Error 404"):
        read_source(f"{server}/missing.yaml", None)
    with pytest.raises(InvalidArgument, match="no standard input"):
        read_source("-", None)

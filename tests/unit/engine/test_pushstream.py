"""A plain layer gzipped while it is uploaded (issue 15): the compressing reader gives
one gzip of the layer (blocks made on threads, the same bytes however it is read and
on however many threads), its digest and size as it goes; the streamed
upload (one chunked PATCH, then PUT ?digest=) against a small registry of the test's,
which also refuses it, fails the digest or sees the push cancelled mid-way."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_pushconvert_reuse import _store

from hutch.engine.imagewrite import oci_manifest
from hutch.engine.pushconvert import LayerCompression, Reuse, Streamed, convert_layers, record
from hutch.engine.pushstream import Fallback, stream_gzipped
from hutch.registry.client import Endpoint, RegistryClient
from hutch.registry.errors import RegistryError, StreamRefused
from hutch.registry.progress import Progress, TransferCancelled
from hutch.store.blobinfo import CompressedBlob
from hutch.store.compression import GzipReader, HashingReader
from unit.httpserve import serving

GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def _gzip_file(data: bytes, level: int) -> bytes:
    """The reference: the reader's bytes read whole, on one thread."""
    return GzipReader(io.BytesIO(data), level, workers=1).read()


def _gzip_module(data: bytes, level: int) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=level) as gz:
        gz.write(data)
    return out.getvalue()


INPUTS = {
    "empty": b"",
    "small": b"hello\n",
    "text": b"".join(b"line %d of a layer that compresses\n" % i for i in range(80_000)),
    "random": os.urandom(3 << 19),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("step", [1, 4099, 1 << 16, -1])
def test_gzip_reader_is_a_gzip_of_the_input_with_its_digest(name: str, step: int) -> None:
    data = INPUTS[name]
    if step == 1 and len(data) > 100:
        data = data[:50_000]  # byte by byte: keep it short
    told: list[int] = []
    reader = HashingReader(GzipReader(io.BytesIO(data), 6, told.append))
    parts = []
    while part := reader.read(step):
        parts.append(part)
    sent = b"".join(parts)
    assert sent == _gzip_file(data, 6)  # however it is read: what a record names
    assert gzip.decompress(sent) == data
    assert reader.digest == "sha256:" + hashlib.sha256(sent).hexdigest()
    assert reader.count == len(sent)
    assert sum(told) == len(data)


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_the_bytes_do_not_depend_on_the_threads(workers: int) -> None:
    data = INPUTS["text"] + INPUTS["random"]  # several blocks of both kinds
    made = GzipReader(io.BytesIO(data), 6, workers=workers).read()
    assert made == _gzip_file(data, 6)
    assert gzip.decompress(made) == data


def test_either_deflate_makes_a_gzip_of_the_input() -> None:
    """zlib-ng where installed, the standard zlib else: other bytes, the same layer."""
    import zlib

    from hutch.store.compression import deflater

    data = INPUTS["text"] + INPUTS["random"]
    for engine in {deflater(), zlib}:
        made = GzipReader(io.BytesIO(data), 6, engine=engine).read()
        assert gzip.decompress(made) == data
        assert made == GzipReader(io.BytesIO(data), 6, workers=3, engine=engine).read()


@pytest.mark.parametrize("level", [1, 6, 9])
def test_a_gzip_member_as_the_gzip_module_heads_it_and_near_its_size(level: int) -> None:
    import zlib

    data = INPUTS["text"]  # three blocks
    # the standard zlib, as the gzip module's (zlib-ng's level 1 is another algorithm)
    made = GzipReader(io.BytesIO(data), level, engine=zlib).read()
    stdlib = _gzip_module(data, level)
    assert made[:10] == stdlib[:10]  # no name, time 0, the level's XFL, OS 255
    assert made[-8:] == stdlib[-8:]  # CRC-32 and size
    assert gzip.decompress(made) == data
    # blocks primed with the 32 KiB before them: about one stream's ratio
    assert len(made) < len(stdlib) * 1.05


# ---------------------------------------------------------------- a registry of the test's


@dataclass
class Seen:
    """What the test's registry was sent, and how it answers a PATCH and a PUT."""

    patch_status: int = 202
    requests: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    body: bytes = b""
    blobs: dict[str, bytes] = field(default_factory=dict)


def _read_chunked(rfile: io.BufferedIOBase) -> bytes:
    parts = []
    while True:
        line = rfile.readline()
        if not line:
            return b"".join(parts)  # the client went away mid-stream
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            rfile.readline()
            return b"".join(parts)
        parts.append(rfile.read(size))
        rfile.readline()


@pytest.fixture
def registry() -> Iterator[tuple[str, Seen]]:
    seen = Seen()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _note(self) -> None:
            seen.requests.append(f"{self.command} {self.path}")
            seen.headers.append({k.lower(): v for k, v in self.headers.items()})

        def do_GET(self) -> None:
            self._note()
            self._answer(200)

        def do_POST(self) -> None:
            self._note()
            self._answer(202, {"Location": "/v2/r/blobs/uploads/u1?_state=0"})

        def do_PATCH(self) -> None:
            self._note()
            if seen.patch_status != 202:
                self._answer(seen.patch_status)  # refused before the body is read
                self.close_connection = True
                return
            assert self.headers.get("Transfer-Encoding") == "chunked"
            seen.body += _read_chunked(self.rfile)
            self._answer(202, {"Location": "/v2/r/blobs/uploads/u1?_state=1"})

        def do_HEAD(self) -> None:
            self._note()
            self._answer(404)

        def do_PUT(self) -> None:
            self._note()
            length = int(self.headers.get("Content-Length") or 0)
            if length:  # a sized upload in one PUT
                seen.body = self.rfile.read(length)
            digest = self.path.split("digest=", 1)[1].replace("%3A", ":")
            if digest != "sha256:" + hashlib.sha256(seen.body).hexdigest():
                self._answer(400)
                return
            seen.blobs[digest] = seen.body
            self._answer(201)

        def do_DELETE(self) -> None:
            self._note()
            self._answer(204)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as port:
        yield f"127.0.0.1:{port}", seen


def _client(host: str) -> RegistryClient:
    return RegistryClient(Endpoint(host, insecure=True), None, {}, retries=0)


def _layer(tmp_path: Path, data: bytes) -> Streamed:
    path = tmp_path / "layer.tar"
    path.write_bytes(data)
    return Streamed("sha256:" + hashlib.sha256(data).hexdigest(), path, len(data), 6, None)


def _sent(seen: Seen) -> list[str]:
    return [r.split("?")[0] for r in seen.requests if not r.startswith("GET")]


def test_a_plain_layer_goes_up_gzipped_in_one_streamed_patch(
    tmp_path: Path, registry: tuple[str, Seen]
) -> None:
    host, seen = registry
    data = INPUTS["text"]
    layer = _layer(tmp_path, data)
    out = io.StringIO()
    blob = stream_gzipped(_client(host), "r", layer, Progress("plain", out))
    assert blob == CompressedBlob(
        "sha256:" + hashlib.sha256(_gzip_file(data, 6)).hexdigest(), len(_gzip_file(data, 6))
    )
    assert seen.blobs == {blob.digest: _gzip_file(data, 6)}
    assert _sent(seen) == [
        "POST /v2/r/blobs/uploads/",
        "PATCH /v2/r/blobs/uploads/u1",
        "PUT /v2/r/blobs/uploads/u1",
    ]
    patch = seen.headers[_sent(seen).index("PATCH /v2/r/blobs/uploads/u1") + 1]
    assert "content-range" not in patch and "content-length" not in patch
    put = seen.requests[-1]
    assert "_state=1" in put  # the PATCH's answer named where to PUT
    assert out.getvalue() == f"Copying blob {layer.diff_id}\n"  # podman shows the source


@pytest.mark.parametrize("windows", [1, 2, 5])
def test_chunk_size_cuts_the_stream_into_patches(
    tmp_path: Path, registry: tuple[str, Seen], windows: int
) -> None:
    """``[registry] chunk_size`` holds for a streamed layer: PATCHes of at most that
    much of the gzip, none empty (a gzip that is an exact multiple of it)."""
    host, seen = registry
    data = INPUTS["random"]
    gz = _gzip_file(data, 6)
    chunk = -(-len(gz) // windows)
    if windows == 2:
        chunk = len(gz) // 2 + (len(gz) % 2)  # the last window full too, or nearly
    layer = _layer(tmp_path, data)
    blob = stream_gzipped(_client(host), "r", layer, Progress("quiet"), chunk)
    assert seen.blobs == {blob.digest: gz}
    sent = _sent(seen)
    assert sent.count("PATCH /v2/r/blobs/uploads/u1") == -(-len(gz) // chunk)
    assert sent[-1] == "PUT /v2/r/blobs/uploads/u1"


def test_a_stream_of_exactly_the_chunk_size_sends_no_empty_patch(
    tmp_path: Path, registry: tuple[str, Seen]
) -> None:
    host, seen = registry
    client = _client(host)
    data = b"z" * (3 << 20)
    from hutch.oci.digest import parse_digest

    digest = parse_digest("sha256:" + hashlib.sha256(data).hexdigest())
    client.upload_stream(
        "r", client.start_upload("r"), io.BytesIO(data), lambda: digest, chunk_size=1 << 20
    )
    assert _sent(seen).count("PATCH /v2/r/blobs/uploads/u1") == 3
    assert seen.blobs == {str(digest): data}


@pytest.mark.parametrize("status", [405, 411, 416, 501])
def test_a_registry_refusing_the_streamed_patch_is_told_apart(
    tmp_path: Path, registry: tuple[str, Seen], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    host, seen = registry
    seen.patch_status = status
    layer = _layer(tmp_path, INPUTS["text"])
    with pytest.raises(StreamRefused, match=f"answered {status}"):
        stream_gzipped(_client(host), "r", layer, Progress("quiet"))
    assert _sent(seen)[-1] == "DELETE /v2/r/blobs/uploads/u1"  # the session cancelled
    assert seen.blobs == {}
    fallback = Fallback(host)
    fallback.refused(f"answered {status}")
    fallback.refused("again")  # said once per push
    err = capsys.readouterr().err
    assert err == (
        f"WARN: registry {host} refused a streamed upload (answered {status}): "
        "compressing each layer into a file first\n"
    )
    assert fallback.reason == f"answered {status}"


def test_a_push_to_a_registry_refusing_streams_sends_the_layers_sized(
    tmp_path: Path, registry: tuple[str, Seen], capsys: pytest.CaptureFixture[str]
) -> None:
    """Distribution.push_gzipping: the refused stream is told once, then each layer is
    gzipped into a file and sent with its size, to the same digest a stream makes."""
    from types import SimpleNamespace
    from typing import cast

    from hutch.engine.context import EngineContext
    from hutch.engine.distribution import Distribution

    host, seen = registry
    seen.patch_status = 411
    ctx = cast(EngineContext, SimpleNamespace(settings=SimpleNamespace(push_chunk_size=0)))
    dist, client, fallback = Distribution(ctx, {}), _client(host), Fallback(host)
    data = INPUTS["text"]
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        layer = _layer(tmp_path / name, data)
        blob = dist.push_gzipping(client, "r", layer, Progress("quiet"), fallback, tmp_path / name)
        gz = _gzip_file(data, 6)
        assert blob == CompressedBlob("sha256:" + hashlib.sha256(gz).hexdigest(), len(gz))
        assert seen.blobs == {blob.digest: gz}
    assert sum(r.startswith("PATCH") for r in seen.requests) == 1  # the refusal holds
    err = capsys.readouterr().err
    assert err.count("WARN: ") == 1 and "answered 411" in err


def test_a_registry_error_to_the_patch_is_no_refusal(
    tmp_path: Path, registry: tuple[str, Seen]
) -> None:
    host, seen = registry
    seen.patch_status = 404  # the session is gone: not a way to fall back from
    with pytest.raises(RegistryError) as caught:
        stream_gzipped(_client(host), "r", _layer(tmp_path, b"x" * 1000), Progress("quiet"))
    assert not isinstance(caught.value, StreamRefused)


def test_a_wrong_digest_is_refused_and_the_session_cancelled(
    tmp_path: Path, registry: tuple[str, Seen]
) -> None:
    host, seen = registry
    layer = _layer(tmp_path, b"data " * 1000)
    client = _client(host)
    location = client.start_upload("r")
    wrong = "sha256:" + "0" * 64
    from hutch.oci.digest import parse_digest

    with open(layer.path, "rb") as f, pytest.raises(RegistryError, match="answered 400"):
        client.upload_stream("r", location, f, lambda: parse_digest(wrong))
    assert _sent(seen)[-1] == "DELETE /v2/r/blobs/uploads/u1"
    assert seen.blobs == {}


def test_a_push_cancelled_mid_stream_puts_nothing(
    tmp_path: Path, registry: tuple[str, Seen]
) -> None:
    host, seen = registry
    layer = _layer(tmp_path, INPUTS["random"])
    steps = [0]

    def cancelled() -> bool:
        steps[0] += 1
        return steps[0] > 2  # the caller leaves after the first pieces

    with pytest.raises(TransferCancelled):
        stream_gzipped(_client(host), "r", layer, Progress("quiet", cancelled=cancelled))
    assert not any(r.startswith("PUT") for r in seen.requests)
    # the compressing threads stop with it (a service's cancelled push keeps none)
    for thread in [t for t in threading.enumerate() if t.name.startswith("gzip")]:
        thread.join(10)
        assert not thread.is_alive()
    assert _sent(seen)[-1].startswith("DELETE")
    assert seen.blobs == {}


# ---------------------------------------------------------------- the plan and the record


def test_streamed_layers_are_named_and_recorded_only_once_sent(tmp_path: Path) -> None:
    store, cache, layers, plain = _store(tmp_path)  # one plain layer, recorded
    diff_id = layers[0].diff_id
    manifest = oci_manifest(b"{}", layers)
    reuse = Reuse(cache, lambda digest: None)
    converted = convert_layers(manifest, store, tmp_path, LayerCompression(), reuse, stream=True)
    # nothing made: the layer is left to the upload, the manifest still names it plain
    assert converted.blobs == {} and list(tmp_path.glob("layer-*")) == []
    assert converted.manifest_raw == manifest
    assert converted.streaming == {
        diff_id: Streamed(diff_id, store.blob_path(diff_id), len(plain), 6, None)
    }
    gz = _gzip_file(plain, 6)
    blob = CompressedBlob("sha256:" + hashlib.sha256(gz).hexdigest(), len(gz))
    converted.streamed({diff_id: blob})
    entry = json.loads(converted.manifest_raw)["layers"][0]
    assert (entry["mediaType"], entry["digest"], entry["size"]) == (GZIP, blob.digest, blob.size)
    assert converted.made == {blob.digest: diff_id}
    assert cache.get(diff_id, "gzip", 6) is None  # the push records it after the manifest
    record(converted, cache)
    assert cache.get(diff_id, "gzip", 6) == blob
    # the file path gives the same digest: a record either made holds for the other
    plain_path = convert_layers(manifest, store, tmp_path, LayerCompression(), reuse)
    assert plain_path.manifest_raw == converted.manifest_raw

"""A registry that stalls: a small real HTTP server (the test's fixture, not a
mock of the client) that serves one image and, the first time its layer is
asked for, sends the headers and half of the blob, then nothing more.

It notes when it stalled and when the client cut that connection (the server
reads end of file on it); the next request for the layer gets all of it.

It takes pushes too: it opens upload sessions, accepts small blobs, and never
answers the first large one (a layer), reading its body and waiting; a DELETE
of an upload (a cancelled one) is noted.

``failures=N`` makes it answer its first N reads (GET or HEAD, the ``/v2/`` ping
included) 503 Service Unavailable: a registry that errs for a while (``--retry``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import platform
import select
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _layer(tar: bytes | None = None) -> tuple[bytes, str]:
    """A gzipped tar of 1 MiB of noise (so half of it is many reads), or of ``tar``
    (a root filesystem, for an image that runs), and its diff id."""
    import io
    import tarfile

    if tar is not None:
        return gzip.compress(tar, compresslevel=1), _digest(tar)

    noise = os.urandom(1 << 20)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("noise")
        info.size = len(noise)
        tar.addfile(info, io.BytesIO(noise))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, compresslevel=1), _digest(tar_bytes)


@dataclass
class StallingRegistry:
    repository: str
    tag: str
    blobs: dict[str, bytes]
    manifest: bytes
    layer_digest: str
    stalled: threading.Event = field(default_factory=threading.Event)
    cut: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    deleted: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    failures: int = 0  # reads still to answer 503
    served: list[int] = field(default_factory=list)  # the status of each read, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ref(self) -> str:
        return f"127.0.0.1:{self.port}/{self.repository}:{self.tag}"


def _image(repository: str, tag: str, tar: bytes | None = None) -> StallingRegistry:
    layer, diff_id = _layer(tar)
    config = json.dumps(
        {
            "architecture": _ARCH.get(platform.machine(), platform.machine()),
            "os": "linux",
            "config": {"Cmd": ["true"], "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _digest(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": _digest(layer),
                    "size": len(layer),
                }
            ],
        }
    ).encode()
    blobs = {_digest(config): config, _digest(layer): layer}
    return StallingRegistry(repository, tag, blobs, manifest, _digest(layer))


def _handler(reg: StallingRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: pytest shows the test's own output

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0].endswith("/blobs/uploads/"):
                self.send_response(202)
                self.send_header("Location", self.path.split("?", 1)[0] + "session")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(404, b"{}", "application/json", True)

        def do_PUT(self) -> None:
            self._upload()

        def do_PATCH(self) -> None:
            self._upload()

        def do_DELETE(self) -> None:
            reg.deleted.set()
            self._send(204, b"", "application/json", False)

        def _upload(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            # a streamed PATCH (a plain layer gzipped as it goes) has no length: a layer
            streamed = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            if (length > 64 << 10 or streamed) and not reg.stalled.is_set():
                reg.stalled.set()
                self._wait_for_cut()  # the body is read as it comes; no answer ever
                return
            if streamed:
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    self.rfile.read(size + 2)  # the chunk and its CRLF
                self.rfile.readline()
            else:
                self.rfile.read(length)
            self.send_response(201 if self.command == "PUT" else 202)
            self.send_header("Location", self.path.split("?", 1)[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _answer(self, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            prefix = f"/v2/{reg.repository}/"
            with reg.lock:
                failing = reg.failures > 0
                reg.failures -= failing
            if failing:
                reg.served.append(503)
                self._send(503, b'{"errors":[{"code":"UNAVAILABLE"}]}', "application/json", body)
                return
            reg.served.append(200)
            if path == "/v2/":
                self._send(200, b"{}", "application/json", body)
            elif path in (
                f"{prefix}manifests/{reg.tag}",
                f"{prefix}manifests/{_digest(reg.manifest)}",
            ):
                self._send(200, reg.manifest, OCI_MANIFEST, body, _digest(reg.manifest))
            elif path.startswith(f"{prefix}blobs/") and path.rsplit("/", 1)[1] in reg.blobs:
                digest = path.rsplit("/", 1)[1]
                data = reg.blobs[digest]
                if body and digest == reg.layer_digest and not reg.stalled.is_set():
                    self._stall(data)
                else:
                    self._send(200, data, "application/octet-stream", body, digest)
            else:
                self._send(404, b'{"errors":[{"code":"NOT_FOUND"}]}', "application/json", body)

        def _send(self, status: int, data: bytes, kind: str, body: bool, digest: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            if digest:
                self.send_header("Docker-Content-Digest", digest)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _stall(self, data: bytes) -> None:
            """Headers and half the blob, then silence until the client cuts the
            connection (noted) or the test releases it."""
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            reg.stalled.set()
            self._wait_for_cut()

        def _wait_for_cut(self) -> None:
            """Send nothing until the client closes the connection (noted: the
            server reads its end of file) or the test releases it."""
            while not reg.release.is_set():
                readable, _, _ = select.select([self.connection], [], [], 0.1)
                if readable:
                    with contextlib.suppress(OSError):
                        if self.connection.recv(65536) != b"":
                            continue  # a body still arriving
                    reg.cut.set()
                    break
            self.close_connection = True

    return Handler


@contextlib.contextmanager
def stalling_registry(
    repository: str = "stall/pull",
    tag: str = "1",
    *,
    port: int = 0,
    stall: bool = True,
    failures: int = 0,
    tar: bytes | None = None,
) -> Iterator[StallingRegistry]:
    """The registry on ``port`` (0: any free one); ``stall=False`` serves the layer
    whole from the first request (a registry that comes up late, for ``--retry``);
    ``failures`` as the module says; ``tar`` the image's one layer, uncompressed."""
    reg = _image(repository, tag, tar)
    reg.failures = failures
    if not stall:
        reg.stalled.set()  # as if it had stalled once already
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(reg))
    server.daemon_threads = True
    reg.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield reg
    finally:
        reg.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)

"""What a registry may get wrong: bad digests, malformed manifests, broken transfers.

Each refusal is one line naming the cause with exit 125, and nothing of the
refused content stays in the store.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from harness import Hutch
from ports import free_port
from registry_helpers import Registry, get_blob, get_manifest, running_registry

INSECURE = "--tls-verify=false"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def storage_of(hutch: Hutch) -> Path:
    return hutch.env.data_home / "hutch" / "storage"


def leftovers(hutch: Hutch) -> list[str]:
    """Layers, blobs and temp dirs in the store (all should be gone after a refusal)."""
    storage = storage_of(hutch)
    found: list[str] = []
    for sub in ("layers", "blobs/sha256", "tmp"):
        d = storage / sub
        if d.is_dir():
            found += [f"{sub}/{p.name}" for p in d.iterdir()]
    return found


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 125, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def push_and_forget(hutch: Hutch, base_image: str, registry: Registry, name: str) -> dict[str, str]:
    """Push base as ``name``, then remove it locally; the manifest's digests."""
    hutch("push", "-q", INSECURE, base_image, registry.ref(name))
    hutch("rmi", base_image)
    assert leftovers(hutch) == []
    repo, tag = name.split(":")
    manifest = json.loads(get_manifest(registry, repo, tag))
    return {"config": manifest["config"]["digest"], "layer": manifest["layers"][0]["digest"]}


def test_corrupted_layer_blob_is_refused_and_nothing_stays(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    digests = push_and_forget(hutch, base_image, registry, "bad/layer:1")
    data = registry.blob_data(digests["layer"])
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.write_bytes(bytes(raw))
    result = hutch("pull", INSECURE, registry.ref("bad/layer:1"), check=False)
    message = one_error(result)
    # the layer went up gzipped: zlib's check may catch the damage before the digest
    refused = ("mismatch", "invalid", "not valid gzip data")
    assert any(word in message.lower() for word in refused), message
    assert leftovers(hutch) == []
    assert hutch("images", "-q").stdout == ""


def test_corrupted_config_blob_is_refused(
    hutch: Hutch, base_image: str, registry: Registry
) -> None:
    digests = push_and_forget(hutch, base_image, registry, "bad/config:1")
    data = registry.blob_data(digests["config"])
    data.write_bytes(data.read_bytes().replace(b'"os"', b'"OS"'))
    message = one_error(hutch("pull", INSECURE, registry.ref("bad/config:1"), check=False))
    assert "digest mismatch" in message
    assert leftovers(hutch) == []


def test_unknown_reference(hutch: Hutch, registry: Registry) -> None:
    message = one_error(hutch("pull", INSECURE, registry.ref("no/such:tag"), check=False))
    assert "manifest unknown" in message


def test_registry_down(hutch: Hutch) -> None:
    port = free_port()
    # --retry 0: the tries and their pauses (14 s) are the *_retry tests'
    message = one_error(
        hutch("pull", INSECURE, "--retry", "0", f"127.0.0.1:{port}/x/y:1", check=False)
    )
    assert "pinging container registry 127.0.0.1" in message
    assert "refused" in message


# ---- a tiny fake registry for what a real one would never serve --------------------


@dataclass
class FakeRegistry:
    manifests: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)  # blobs sent half, then stalled
    port: int = 0
    _server: http.server.ThreadingHTTPServer | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(self, code: int, body: bytes, ctype: str, head: bool = False) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def do_HEAD(self) -> None:
                self.do_GET(head=True)

            def do_GET(self, head: bool = False) -> None:
                parts = self.path.split("/")
                if self.path == "/v2/":
                    return self._send(200, b"{}", "application/json", head)
                if "manifests" in parts and parts[-1] in fake.manifests:
                    body, ctype = fake.manifests[parts[-1]]
                    return self._send(200, body, ctype, head)
                if "blobs" in parts and parts[-1] in fake.blobs:
                    body = fake.blobs[parts[-1]]
                    if parts[-1] in fake.slow:
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        time.sleep(60)
                        return None
                    return self._send(200, body, "application/octet-stream", head)
                return self._send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', "x/y", head)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    server = FakeRegistry()
    server.start()
    yield server
    server.stop()


def test_malformed_manifest(hutch: Hutch, fake: FakeRegistry) -> None:
    fake.manifests["1"] = (b"{this is not json", OCI_MANIFEST)
    message = one_error(hutch("pull", INSECURE, f"{fake.host}/x/y:1", check=False))
    assert "invalid manifest" in message


def test_schema1_manifest_is_refused(hutch: Hutch, fake: FakeRegistry) -> None:
    doc = {"schemaVersion": 1, "name": "x/y", "tag": "1", "fsLayers": []}
    fake.manifests["1"] = (
        json.dumps(doc).encode(),
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
    )
    message = one_error(hutch("pull", INSECURE, f"{fake.host}/x/y:1", check=False))
    assert "schema 1" in message


def test_manifest_by_digest_must_match(hutch: Hutch, fake: FakeRegistry) -> None:
    body = json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:" + "a" * 64, "size": 2}, "layers": []}
    ).encode()  # fmt: skip
    wrong = "sha256:" + hashlib.sha256(b"something else").hexdigest()
    fake.manifests[wrong] = (body, OCI_MANIFEST)
    message = one_error(hutch("pull", INSECURE, f"{fake.host}/x/y@{wrong}", check=False))
    assert "digest mismatch" in message
    assert leftovers(hutch) == []


def test_interrupted_pull_leaves_a_consistent_store(
    hutch: Hutch, base_image: str, registry: Registry, fake: FakeRegistry
) -> None:
    digests = push_and_forget(hutch, base_image, registry, "slow/base:1")
    fake.manifests["1"] = (get_manifest(registry, "slow/base", "1"), OCI_MANIFEST)
    for d in digests.values():
        fake.blobs[d] = get_blob(registry, "slow/base", d)
    fake.slow.add(digests["layer"])
    ref = f"{fake.host}/slow/base:1"
    proc = subprocess.Popen(
        [str(hutch.binary), "pull", INSECURE, ref],
        env=hutch.env.environ(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    tmp = storage_of(hutch) / "tmp"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (tmp.is_dir() and any(tmp.iterdir())):
        time.sleep(0.05)
    assert tmp.is_dir() and any(tmp.iterdir()), "the pull never started a layer"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hutch("images", "-q").stdout == ""
    fake.slow.clear()
    out = hutch("pull", "-q", INSECURE, ref).stdout.strip()
    assert out == digests["config"].split(":")[1]
    # The next command removed the dead pull's temp dir.
    assert not any(tmp.iterdir())
    assert hutch("run", "--rm", ref, "true").returncode == 0

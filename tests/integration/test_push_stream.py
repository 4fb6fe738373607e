"""The first push of a plain layer gzips it while it uploads (one streamed PATCH, then
PUT ?digest=), against a real registry; what it recorded is written only once the
registry accepted the push, so a push killed mid-upload records nothing (issue 15)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import build, write_context
from harness import Hutch
from pausepoint import Paused
from podman_peer import Run, podman
from registry_helpers import Registry, get_blob, get_manifest, manifest_status, running_registry

__all__ = ["podman"]

INSECURE = "--tls-verify=false"
OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
FILE = """\
FROM base
RUN dd if=/dev/urandom of=/noise bs=1024 count=2048 2>/dev/null && sha256sum /noise > /noise.sum
"""


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def diff_ids(hutch: Hutch, name: str) -> list[str]:
    return list(json.loads(hutch("image", "inspect", name).stdout)[0]["RootFS"]["Layers"])


def records(hutch: Hutch) -> set[tuple[str, str, int]]:
    database = hutch.env.data_home / "hutch" / "storage" / "hutch.db"
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT diff_id, digest, size FROM compressed_blobs").fetchall()
    return {(str(d), str(g), int(s)) for d, g, s in rows}


def patches(registry: Registry, repository: str) -> int:
    """Streamed PATCHes the registry was sent for REPOSITORY (its access log)."""
    assert registry.log is not None
    text = registry.log.read_bytes().decode(errors="replace")
    return len(re.findall(rf'"PATCH /v2/{re.escape(repository)}/blobs/uploads/', text))


def check_pushed(hutch: Hutch, registry: Registry, repository: str, layers: list[str]) -> dict:
    """The manifest names gzip blobs that hash to their digests and unpack to the diff
    ids; the records say the same digests and sizes."""
    manifest: dict = json.loads(get_manifest(registry, repository, "1"))
    assert [layer["mediaType"] for layer in manifest["layers"]] == [OCI_GZIP] * len(layers)
    for layer, diff_id in zip(manifest["layers"], layers, strict=True):
        data = get_blob(registry, repository, layer["digest"])
        assert layer["digest"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert layer["size"] == len(data)
        assert "sha256:" + hashlib.sha256(gzip.decompress(data)).hexdigest() == diff_id
    want = {(d, x["digest"], x["size"]) for d, x in zip(layers, manifest["layers"], strict=True)}
    assert records(hutch) == want
    return manifest


def test_a_plain_layer_image_streams_up_and_pulls_back_in_hutch_and_podman(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path, podman: Run
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=FILE)
    build(hutch, context, "-t", "big")
    layers = diff_ids(hutch, "big")
    ref = registry.ref("st/big:1")
    pushed = hutch("push", INSECURE, "big", ref)
    assert "WARN" not in pushed.stderr
    for diff_id in layers:  # podman's words: the source blob while it compresses it
        assert f"Copying blob {diff_id}\n" in pushed.stderr
    assert patches(registry, "st/big") == len(layers)  # each layer one streamed PATCH
    manifest = check_pushed(hutch, registry, "st/big", layers)
    noise = hutch("run", "--rm", "--network", "none", "big", "cat", "/noise.sum").stdout

    # hutch pulls it back: the gzip blobs verified and unpacked to the same diff ids
    hutch("rmi", "big")
    hutch("pull", "-q", INSECURE, ref)
    assert diff_ids(hutch, ref) == layers
    out = hutch("run", "--rm", "--network", "none", ref, "sha256sum", "-c", "/noise.sum")
    assert out.stdout == "/noise: OK\n"
    assert hutch("run", "--rm", "--network", "none", ref, "cat", "/noise.sum").stdout == noise

    # podman 4.3.1 pulls it (verifying every digest) and runs it
    podman("pull", "-q", INSECURE, ref)
    got = json.loads(podman("image", "inspect", ref).stdout)[0]
    assert got["RootFS"]["Layers"] == layers
    check = podman("run", "--rm", "--network", "none", ref, "sha256sum", "-c", "/noise.sum")
    assert check.stdout == "/noise: OK\n"
    assert (
        got["Digest"]
        == "sha256:" + hashlib.sha256(get_manifest(registry, "st/big", "1")).hexdigest()
    )
    assert len(manifest["layers"]) == len(layers)


def test_a_push_killed_mid_upload_records_nothing_and_a_retry_works(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    layers = diff_ids(hutch, base_image)
    ref = registry.ref("st/killed:1")
    paused = Paused(
        hutch, "push-stream-started", tmp_path / "gate", "push", INSECURE, base_image, ref
    )
    # part of the layer is on its way inside the PATCH, no PUT yet: killed there
    os.kill(paused.process.pid, signal.SIGKILL)
    paused.process.communicate(timeout=30)
    assert paused.process.returncode == -signal.SIGKILL
    assert records(hutch) == set()  # nothing accepted, nothing recorded
    assert manifest_status(registry, "st/killed", "1") == 404
    assert hutch("system", "check", check=False).returncode == 0

    again = hutch("push", INSECURE, base_image, ref)
    assert "WARN" not in again.stderr
    check_pushed(hutch, registry, "st/killed", layers)

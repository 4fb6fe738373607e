"""push sends a built image's plain layers gzipped, as podman does, and a second push
neither compresses nor uploads them again (issue 15)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from build_helpers import build, write_context
from harness import Hutch
from podman_peer import Run, podman
from registry_helpers import Registry, get_blob, get_manifest, running_registry

__all__ = ["podman"]

INSECURE = "--tls-verify=false"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_TAR = "application/vnd.oci.image.layer.v1.tar"
OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
FILE = """\
FROM base
COPY hello.txt /hello.txt
RUN echo built > /built
"""


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "plain") as reg:
        yield reg


def uploads(registry: Registry, repository: str, query: str = " ") -> int:
    """Upload sessions the registry started for REPOSITORY (its access log); with
    QUERY ``?mount=``, the cross-repository mounts asked for."""
    assert registry.log is not None
    text = registry.log.read_bytes().decode(errors="replace")
    pattern = rf'"POST /v2/{re.escape(repository)}/blobs/uploads/{re.escape(query)}'
    return len(re.findall(pattern, text))


def diff_ids(hutch: Hutch, name: str) -> list[str]:
    return list(json.loads(hutch("image", "inspect", name).stdout)[0]["RootFS"]["Layers"])


def test_built_image_goes_gzipped_once_and_podman_runs_it(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path, podman: Run
) -> None:
    context = write_context(tmp_path / "ctx", {"hello.txt": "hello\n"}, containerfile=FILE)
    build(hutch, context, "-t", "gzimg")
    layers = diff_ids(hutch, "gzimg")
    blobs = hutch.env.data_home / "hutch" / "storage" / "blobs" / "sha256"
    # stored plain: each layer's blob is its tar, named by its diff id
    assert all((blobs / d.removeprefix("sha256:")).is_file() for d in layers)
    ref = registry.ref("gz/img:1")
    hutch("push", INSECURE, "gzimg", ref)
    raw = get_manifest(registry, "gz/img", "1")
    manifest = json.loads(raw)
    assert manifest["mediaType"] == OCI_MANIFEST
    assert [layer["mediaType"] for layer in manifest["layers"]] == [OCI_GZIP] * len(layers)
    for layer, diff_id in zip(manifest["layers"], layers, strict=True):
        data = get_blob(registry, "gz/img", layer["digest"])
        assert data[:2] == b"\x1f\x8b" and len(data) == layer["size"]
        assert "sha256:" + hashlib.sha256(gzip.decompress(data)).hexdigest() == diff_id
    started = uploads(registry, "gz/img")
    assert started == len(layers) + 1  # the layers and the config

    # Again, with the stored layer blobs moved away: a push that compressed a layer
    # again would have to read its blob. The recorded digests are asked for instead.
    aside = tmp_path / "aside"
    aside.mkdir()
    for diff_id in layers:
        (blobs / diff_id.removeprefix("sha256:")).rename(aside / diff_id.removeprefix("sha256:"))
    try:
        again = hutch("push", INSECURE, "gzimg", ref)
        # another repository of the registry: mounted from where the layers went
        other = hutch("push", INSECURE, "gzimg", registry.ref("gz/other:1"))
    finally:
        for moved in aside.iterdir():
            moved.rename(blobs / moved.name)
    assert uploads(registry, "gz/img") == started  # no blob went up
    for layer in manifest["layers"]:
        assert f"Copying blob {layer['digest']} skipped: already exists\n" in again.stderr
        mounted = f"Copying blob {layer['digest']} skipped: mounted from gz/img\n"
        assert mounted in other.stderr
    assert get_manifest(registry, "gz/img", "1") == raw  # the same manifest, digest kept
    assert get_manifest(registry, "gz/other", "1") == raw
    assert uploads(registry, "gz/other", "?mount=") == len(layers)
    assert uploads(registry, "gz/other") == 1  # the config's

    # --compression-format none (hutch's own): the plain tars, as stored
    hutch(
        "push", "-q", INSECURE, "--compression-format", "none", "gzimg", registry.ref("gz/plain:1")
    )
    plain = json.loads(get_manifest(registry, "gz/plain", "1"))
    assert [layer["mediaType"] for layer in plain["layers"]] == [OCI_TAR] * len(layers)
    assert [layer["digest"] for layer in plain["layers"]] == layers
    assert plain["config"] == manifest["config"]

    # manifest push --all sends the entry as push does: gzipped, the same blobs
    hutch("manifest", "create", "gzlist", "gzimg")
    hutch("manifest", "push", "-q", INSECURE, "--all", "gzlist", registry.ref("gz/list:1"))
    index = json.loads(get_manifest(registry, "gz/list", "1"))
    entry = json.loads(get_manifest(registry, "gz/list", index["manifests"][0]["digest"]))
    assert entry["layers"] == manifest["layers"]

    # the differential check: podman 4.3.1 pulls the gzipped image and runs it
    podman("pull", "-q", INSECURE, ref)
    out = podman("run", "--rm", "--network", "none", ref, "cat", "/hello.txt", "/built").stdout
    assert out == "hello\nbuilt\n"
    got = json.loads(podman("image", "inspect", ref).stdout)[0]["RootFS"]["Layers"]
    assert got == layers


def test_concurrent_first_pushes_agree_and_leave_one_record(
    hutch: Hutch, base_image: str, registry: Registry, tmp_path: Path
) -> None:
    """Four pushes of a never-pushed image at once: each compresses and records the
    layer (the same row, in its own transaction); all name the same blobs."""
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    context = write_context(tmp_path / "ctx", {"hello.txt": "hi\n"}, containerfile=FILE)
    build(hutch, context, "-t", "conc")
    layers = diff_ids(hutch, "conc")
    refs = [registry.ref(f"conc/n{n}:1") for n in range(4)]
    with ThreadPoolExecutor(len(refs)) as pool:
        done = list(pool.map(lambda r: hutch("push", "-q", INSECURE, "conc", r, timeout=180), refs))
    assert all(result.returncode == 0 for result in done)
    raws = {get_manifest(registry, f"conc/n{n}", "1") for n in range(4)}
    assert len(raws) == 1  # reproducible gzip: the same manifest from every push
    manifest = json.loads(raws.pop())
    assert [layer["mediaType"] for layer in manifest["layers"]] == [OCI_GZIP] * len(layers)
    database = hutch.env.data_home / "hutch" / "storage" / "hutch.db"
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT diff_id, digest FROM compressed_blobs").fetchall()
    want = {(d, layer["digest"]) for d, layer in zip(layers, manifest["layers"], strict=True)}
    assert set(rows) == want and len(rows) == len(layers)

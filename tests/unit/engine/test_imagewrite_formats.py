"""Manifests made for stored images (OCI, Docker schema 2); the push-time gzip of layers."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from hutch.config.paths import Paths
from hutch.engine.imagewrite import docker_manifest, oci_manifest
from hutch.engine.pushconvert import gzip_plain_layers
from hutch.store.layers import LayerInfo, LayerStore

PLAIN = "application/vnd.oci.image.layer.v1.tar"
GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def _layers() -> list[LayerInfo]:
    return [
        LayerInfo("sha256:" + "1" * 64, "sha256:" + "2" * 64, GZIP, 10, 20),
        LayerInfo("sha256:" + "3" * 64, "sha256:" + "3" * 64, PLAIN, 30, 30),
    ]


def test_oci_manifest_bytes_are_compact_and_key_sorted() -> None:
    # The bytes every stored OCI image has had: changing them changes image digests.
    config = b'{"a":1}'
    expected = (
        '{"config":{"digest":"sha256:' + hashlib.sha256(config).hexdigest() + '",'
        '"mediaType":"application/vnd.oci.image.config.v1+json","size":7},'
        '"layers":[{"digest":"sha256:' + "2" * 64 + '","mediaType":"' + GZIP + '","size":10},'
        '{"digest":"sha256:' + "3" * 64 + '","mediaType":"' + PLAIN + '","size":30}],'
        '"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}'
    )
    assert oci_manifest(config, _layers()).decode() == expected


def test_docker_manifest_uses_schema_2_types() -> None:
    doc = json.loads(docker_manifest(b"{}", _layers()))
    assert doc["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert doc["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json"
    assert doc["config"]["digest"] == "sha256:" + hashlib.sha256(b"{}").hexdigest()
    assert [layer["mediaType"] for layer in doc["layers"]] == [
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar",
    ]


def test_push_gzips_plain_layers_of_a_docker_manifest_only(tmp_path: Path) -> None:
    store = LayerStore(Paths(data=tmp_path / "d", runtime=tmp_path / "r", config=tmp_path / "c"))
    plain = b"tar bytes " * 1000
    digest = "sha256:" + hashlib.sha256(plain).hexdigest()
    blob = store.blob_path(digest)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(plain)
    layers = [LayerInfo(digest, digest, PLAIN, len(plain), len(plain))]
    work = tmp_path / "work"
    work.mkdir()
    assert gzip_plain_layers(oci_manifest(b"{}", layers), store, work).blobs == {}
    converted = gzip_plain_layers(docker_manifest(b"{}", layers), store, work)
    entry = json.loads(converted.manifest_raw)["layers"][0]
    assert entry["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"
    data = converted.blobs[entry["digest"]].read_bytes()
    assert entry["digest"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert entry["size"] == len(data)
    assert gzip.decompress(data) == plain
    again = gzip_plain_layers(docker_manifest(b"{}", layers), store, tmp_path)
    assert again.manifest_raw == converted.manifest_raw  # reproducible: no name, no time


def test_annotations_go_into_a_made_manifest() -> None:
    import json

    for make in (oci_manifest, docker_manifest):
        assert json.loads(make(b"{}", _layers(), {"k": "v"}))["annotations"] == {"k": "v"}
        assert "annotations" not in json.loads(make(b"{}", _layers()))

"""Manifests made for stored images (OCI, Docker schema 2); the push-time gzip of layers."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from hutch.config.paths import Paths
from hutch.engine.imagewrite import docker_manifest, oci_manifest
from hutch.engine.pushconvert import LayerCompression, convert_layers
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


def _plain_layer_store(tmp_path: Path) -> tuple[LayerStore, bytes, list[LayerInfo], Path]:
    """A store holding one plain-tar layer, the layer's bytes and info, and a work dir."""
    store = LayerStore(Paths(data=tmp_path / "d", runtime=tmp_path / "r", config=tmp_path / "c"))
    plain = b"tar bytes " * 1000
    digest = "sha256:" + hashlib.sha256(plain).hexdigest()
    blob = store.blob_path(digest)
    blob.parent.mkdir(parents=True)
    blob.write_bytes(plain)
    work = tmp_path / "work"
    work.mkdir()
    return store, plain, [LayerInfo(digest, digest, PLAIN, len(plain), len(plain))], work


def test_push_gzips_plain_layers_of_both_manifest_types(tmp_path: Path) -> None:
    store, plain, layers, work = _plain_layer_store(tmp_path)
    default = LayerCompression()
    for make, gzip_type in (
        (oci_manifest, GZIP),
        (docker_manifest, "application/vnd.docker.image.rootfs.diff.tar.gzip"),
    ):
        converted = convert_layers(make(b"{}", layers), store, work, default)
        entry = json.loads(converted.manifest_raw)["layers"][0]
        assert entry["mediaType"] == gzip_type
        data = converted.blobs[entry["digest"]].read_bytes()
        assert entry["digest"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert gzip.decompress(data) == plain
        assert data[4:8] == b"\0\0\0\0" and not data[3] & 0x08  # mtime 0, no file name
        again = convert_layers(make(b"{}", layers), store, tmp_path, default)
        assert again.manifest_raw == converted.manifest_raw  # reproducible: no name, no time
    # --compression-format none: the plain layer goes as it is
    oci = oci_manifest(b"{}", layers)
    kept = convert_layers(oci, store, work, LayerCompression("none"))
    assert (kept.manifest_raw, kept.blobs) == (oci, {})


def test_annotations_go_into_a_made_manifest() -> None:
    import json

    for make in (oci_manifest, docker_manifest):
        assert json.loads(make(b"{}", _layers(), {"k": "v"}))["annotations"] == {"k": "v"}
        assert "annotations" not in json.loads(make(b"{}", _layers()))


def test_push_compression_format_recompresses_and_force_false_keeps(tmp_path: Path) -> None:
    import subprocess

    import pytest

    from hutch.api.errors import InvalidArgument
    from hutch.engine.pushconvert import LayerCompression, check_compression, convert_layers

    store, plain, layers, work = _plain_layer_store(tmp_path)
    zstd = convert_layers(oci_manifest(b"{}", layers), store, work, LayerCompression("zstd"))
    entry = json.loads(zstd.manifest_raw)["layers"][0]
    assert entry["mediaType"] == "application/vnd.oci.image.layer.v1.tar+zstd"
    data = zstd.blobs[entry["digest"]].read_bytes()
    assert (entry["digest"], entry["size"]) == (
        "sha256:" + hashlib.sha256(data).hexdigest(),
        len(data),
    )
    unz = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=True)
    assert unz.stdout == plain
    # the zstd blob stored as the image's layer: gzip forced (a format given), or kept
    zblob = store.blob_path(entry["digest"])
    zblob.write_bytes(data)
    # (diff id, blob digest, type, blob size, size): the blob is the zstd one
    zstd_layer = LayerInfo(
        layers[0].diff_id, entry["digest"], entry["mediaType"], len(data), len(plain)
    )
    stored = [zstd_layer]
    manifest = oci_manifest(b"{}", stored)
    gz = convert_layers(manifest, store, work, LayerCompression("gzip", 1))
    gz_entry = json.loads(gz.manifest_raw)["layers"][0]
    assert gz_entry["mediaType"] == GZIP
    assert gzip.decompress(gz.blobs[gz_entry["digest"]].read_bytes()) == plain
    kept = convert_layers(manifest, store, work, LayerCompression("gzip", force=False))
    assert (kept.manifest_raw, kept.blobs) == (manifest, {})
    # without a format: compressed layers as stored
    assert convert_layers(manifest, store, work, LayerCompression()).blobs == {}
    # none forced (a format given): decompressed; not forced: kept
    unz_doc = convert_layers(manifest, store, work, LayerCompression("none"))
    un_entry = json.loads(unz_doc.manifest_raw)["layers"][0]
    assert (un_entry["mediaType"], un_entry["digest"]) == (PLAIN, layers[0].diff_id)
    assert unz_doc.blobs[un_entry["digest"]].read_bytes() == plain
    lazy = convert_layers(manifest, store, work, LayerCompression("none", force=False))
    assert lazy.blobs == {}
    docker = "application/vnd.docker.distribution.manifest.v2+json"
    for bad, message in [
        (LayerCompression("lz4"), "invalid --compression-format 'lz4'"),
        (LayerCompression(level=10), "for gzip: 1 to 9"),  # the level of the default gzip
        (LayerCompression("none", 3), "does not apply to --compression-format none"),
        (LayerCompression("zstd", 21), "1 to 20"),  # podman-push(1)'s ranges
        (LayerCompression("gzip", 0), "1 to 9"),
    ]:
        with pytest.raises(InvalidArgument, match=message):
            check_compression(bad, None)
    with pytest.raises(InvalidArgument, match="cannot name zstd layers"):
        check_compression(LayerCompression("zstd:chunked"), docker)
    with pytest.raises(InvalidArgument, match="cannot name plain layers"):
        check_compression(LayerCompression("none"), docker)
    assert check_compression(LayerCompression(level=9), docker) == "gzip"


def test_inspect_shows_the_manifests_own_type() -> None:
    """podman's ManifestType: a --format docker build's is Docker schema 2 (hutch's
    inspect said OCI for every image)."""
    from hutch.engine.images import OCI_MANIFEST, _manifest_fields

    docker = docker_manifest(b"{}", _layers(), {"k": "v"})
    assert _manifest_fields(docker) == (
        {"k": "v"},
        "application/vnd.docker.distribution.manifest.v2+json",
    )
    assert _manifest_fields(oci_manifest(b"{}", _layers()))[1] == OCI_MANIFEST
    assert _manifest_fields(b"not json") == ({}, OCI_MANIFEST)
    assert _manifest_fields(None) == ({}, OCI_MANIFEST)

"""push's layer compression rule (podman's) and the record of compressed layers
that lets a second push skip compressing and uploading them (issue 15)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from hutch.config.paths import Paths
from hutch.engine.imagewrite import oci_manifest
from hutch.engine.pushconvert import (
    LayerCompression,
    Reuse,
    convert_layers,
    layer_target,
    record,
)
from hutch.store import db
from hutch.store.blobinfo import CompressedBlob, CompressedBlobs
from hutch.store.layers import LayerInfo, LayerStore

PLAIN = "application/vnd.oci.image.layer.v1.tar"
GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


@pytest.mark.parametrize(
    ("current", "target", "force", "sent"),
    [
        ("none", "gzip", False, "gzip"),  # plain layers are always compressed
        ("none", "zstd", False, "zstd"),
        ("none", "none", True, "none"),
        ("gzip", "gzip", True, "gzip"),
        ("gzip", "zstd", False, "gzip"),  # compressed otherwise: kept unless forced
        ("gzip", "zstd", True, "zstd"),
        ("zstd", "gzip", False, "zstd"),
        ("zstd", "gzip", True, "gzip"),
        ("gzip", "none", False, "gzip"),
        ("gzip", "none", True, "none"),
    ],
)
def test_layer_target_is_podmans_rule(current: str, target: str, force: bool, sent: str) -> None:
    assert layer_target(current, target, force) == sent


def _store(tmp_path: Path) -> tuple[LayerStore, CompressedBlobs, list[LayerInfo], bytes]:
    """A store with one plain layer recorded in the database, and its bytes."""
    store = LayerStore(Paths(data=tmp_path / "d", runtime=tmp_path / "r", config=tmp_path / "c"))
    plain = b"a tar, or near enough " * 2000
    digest = "sha256:" + hashlib.sha256(plain).hexdigest()
    store.blob_path(digest).parent.mkdir(parents=True)
    store.blob_path(digest).write_bytes(plain)
    conn = db.connect(tmp_path / "h.db")
    with db.transaction(conn):
        conn.execute("INSERT INTO layers VALUES (?, ?, ?, ?, ?, 0)", (digest, digest, PLAIN, 1, 1))
    layer = LayerInfo(digest, digest, PLAIN, len(plain), len(plain))
    return store, CompressedBlobs(conn), [layer], plain


def test_cache_keeps_one_row_per_layer_algorithm_level(tmp_path: Path) -> None:
    _, cache, layers, _ = _store(tmp_path)
    diff_id = layers[0].diff_id
    assert cache.get(diff_id, "gzip", 6) is None
    cache.put(diff_id, "gzip", 6, CompressedBlob("sha256:" + "a" * 64, 5))
    cache.put(diff_id, "gzip", 6, CompressedBlob("sha256:" + "b" * 64, 7))  # replaced
    cache.put(diff_id, "gzip", 9, CompressedBlob("sha256:" + "c" * 64, 3))
    assert cache.get(diff_id, "gzip", 6) == CompressedBlob("sha256:" + "b" * 64, 7)
    assert cache.get(diff_id, "gzip", 9) == CompressedBlob("sha256:" + "c" * 64, 3)
    assert cache.get(diff_id, "zstd", 6) is None
    # a layer not stored (or removed meanwhile) gets no row, and no error
    cache.put("sha256:" + "f" * 64, "gzip", 6, CompressedBlob("sha256:" + "d" * 64, 1))
    assert cache.get("sha256:" + "f" * 64, "gzip", 6) is None


def test_rows_go_with_their_layer(tmp_path: Path) -> None:
    _, cache, layers, _ = _store(tmp_path)
    cache.put(layers[0].diff_id, "gzip", 6, CompressedBlob("sha256:" + "a" * 64, 5))
    conn = db.connect(tmp_path / "h.db")
    with db.transaction(conn):
        conn.execute("DELETE FROM layers")
    assert cache.get(layers[0].diff_id, "gzip", 6) is None


def test_second_push_names_the_recorded_blob_without_compressing(tmp_path: Path) -> None:
    store, cache, layers, plain = _store(tmp_path)
    asked: list[str] = []
    registry: set[str] = set()

    def at_destination(digest: str) -> str | None:
        asked.append(digest)
        return "skipped: already exists" if digest in registry else None

    reuse = Reuse(cache, at_destination)
    manifest = oci_manifest(b"{}", layers)
    for work in ("1", "2"):
        (tmp_path / work).mkdir()
    first = convert_layers(manifest, store, tmp_path / "1", LayerCompression(), reuse)
    assert asked == []  # nothing recorded yet: nothing to ask
    entry = json.loads(first.manifest_raw)["layers"][0]
    assert entry["mediaType"] == GZIP
    data = first.blobs[entry["digest"]].read_bytes()
    assert gzip.decompress(data) == plain
    # recorded only once the push's manifest was accepted (the push calls record then)
    assert cache.get(layers[0].diff_id, "gzip", 6) is None
    record(first, cache)
    assert cache.get(layers[0].diff_id, "gzip", 6) == CompressedBlob(entry["digest"], len(data))
    # the registry has it now: the second push names it and makes nothing
    registry.add(entry["digest"])
    second = convert_layers(manifest, store, tmp_path / "2", LayerCompression(), reuse)
    assert asked == [entry["digest"]]
    assert (second.manifest_raw, second.blobs, second.present) == (
        first.manifest_raw,
        {},
        {entry["digest"]: "skipped: already exists"},
    )
    assert list((tmp_path / "2").iterdir()) == []  # no file was written
    # a registry without it: made again, the same bytes (reproducible)
    registry.clear()
    third = convert_layers(manifest, store, tmp_path, LayerCompression(), reuse)
    assert third.manifest_raw == first.manifest_raw and third.present == {}
    assert third.blobs[entry["digest"]].read_bytes() == data
    # another level is another record
    nine = convert_layers(manifest, store, tmp_path, LayerCompression("gzip", 9), reuse)
    nine_digest = json.loads(nine.manifest_raw)["layers"][0]["digest"]
    record(nine, cache)
    assert cache.get(layers[0].diff_id, "gzip", 9) == CompressedBlob(
        nine_digest, nine.blobs[nine_digest].stat().st_size
    )


def test_a_wrong_record_is_corrected_not_trusted(tmp_path: Path) -> None:
    """A record whose digest the registry lacks costs a compression, which rewrites it
    (a zlib that compresses otherwise after an upgrade)."""
    store, cache, layers, _ = _store(tmp_path)
    stale = CompressedBlob("sha256:" + "e" * 64, 9)
    cache.put(layers[0].diff_id, "gzip", 6, stale)
    reuse = Reuse(cache, lambda digest: None)
    converted = convert_layers(
        oci_manifest(b"{}", layers), store, tmp_path, LayerCompression(), reuse
    )
    entry = json.loads(converted.manifest_raw)["layers"][0]
    assert entry["digest"] != stale.digest
    assert cache.get(layers[0].diff_id, "gzip", 6) == stale  # until the push is through
    record(converted, cache)
    assert cache.get(layers[0].diff_id, "gzip", 6) == CompressedBlob(entry["digest"], entry["size"])


def test_locations_are_noted_per_registry_and_go_with_the_layer(tmp_path: Path) -> None:
    store, cache, layers, _ = _store(tmp_path)
    reuse = Reuse(cache, lambda digest: None)
    converted = convert_layers(
        oci_manifest(b"{}", layers), store, tmp_path, LayerCompression(), reuse
    )
    (digest,) = converted.made
    assert converted.made == {digest: layers[0].diff_id}
    cache.note_locations(converted.made, "reg:5000", "team/b")
    cache.note_locations(converted.made, "reg:5000", "team/a")
    cache.note_locations(converted.made, "reg:5000", "team/a")  # once
    cache.note_locations(converted.made, "other:5000", "x")
    assert cache.locations(digest, "reg:5000") == ["team/a", "team/b"]
    assert cache.locations(digest, "nowhere") == []
    # a layer no longer stored: nothing noted, no error
    cache.note_locations({"sha256:" + "9" * 64: "sha256:" + "8" * 64}, "reg:5000", "c")
    assert cache.locations("sha256:" + "9" * 64, "reg:5000") == []
    conn = db.connect(tmp_path / "h.db")
    with db.transaction(conn):
        conn.execute("DELETE FROM layers")
    assert cache.locations(digest, "reg:5000") == []


def test_an_oci_manifest_without_its_optional_media_type_is_converted(tmp_path: Path) -> None:
    store, _, layers, plain = _store(tmp_path)
    doc = json.loads(oci_manifest(b"{}", layers))
    del doc["mediaType"]
    converted = convert_layers(json.dumps(doc).encode(), store, tmp_path, LayerCompression())
    entry = json.loads(converted.manifest_raw)["layers"][0]
    assert entry["mediaType"] == GZIP
    assert gzip.decompress(converted.blobs[entry["digest"]].read_bytes()) == plain

"""The artifact store (an OCI layout) on tmp_path: names, blobs shared and collected."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hutch.api.errors import Conflict, InvalidArgument
from hutch.oci import artifact as oa
from hutch.oci.digest import sha256_of
from hutch.store.artifacts import REF_NAME, ArtifactStore, StagedBlob


def _stage(store: ArtifactStore, tmp: Path, data: bytes) -> StagedBlob:
    tmp.mkdir(exist_ok=True)
    return store.stage(io.BytesIO(data), tmp / f"s{len(list(tmp.iterdir()))}")


def _put(store: ArtifactStore, tmp: Path, name: str, *files: bytes, **kw: object) -> str:
    staged = [_stage(store, tmp, data) for data in files]
    layers = [
        oa.ArtifactLayer(b.digest, b.size, oa.OCTET_STREAM, ((oa.TITLE, f"f{i}"),))
        for i, b in enumerate(staged)
    ]
    raw = oa.build_manifest(layers, None, {})
    blobs: dict[str, StagedBlob | bytes] = {b.digest: b for b in staged}
    blobs[str(sha256_of(oa.EMPTY_CONFIG))] = oa.EMPTY_CONFIG
    return store.put(name, raw, blobs, **kw).digest  # type: ignore[arg-type]


def _blobs(store: ArtifactStore) -> set[str]:
    return {f"sha256:{p.name}" for p in (store.root / "blobs" / "sha256").iterdir()}


def test_put_writes_an_oci_layout_that_names_the_manifest(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    digest = _put(store, tmp_path / "tmp", "quay.io/a/b:1", b"one", b"two")
    index = json.loads((store.root / "index.json").read_bytes())
    assert [(m["digest"], m["annotations"][REF_NAME]) for m in index["manifests"]] == [
        (digest, "quay.io/a/b:1")
    ]
    assert json.loads((store.root / "oci-layout").read_bytes()) == {"imageLayoutVersion": "1.0.0"}
    want = {digest, str(sha256_of(b"one")), str(sha256_of(b"two")), str(sha256_of(b"{}"))}
    assert _blobs(store) == want
    assert not list((tmp_path / "tmp").iterdir())  # the staged files were moved in
    record = store.get("quay.io/a/b:1")
    assert record is not None and str(sha256_of(record.manifest_raw)) == digest


def test_removal_keeps_blobs_another_artifact_uses(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    first = _put(store, tmp_path / "tmp", "x/a:1", b"shared", b"only-a")
    second = _put(store, tmp_path / "tmp", "x/b:1", b"shared")
    assert store.remove("x/a:1") == first
    assert _blobs(store) == {second, str(sha256_of(b"shared")), str(sha256_of(b"{}"))}
    assert store.remove("x/a:1") is None
    assert store.remove("x/b:1") == second
    assert _blobs(store) == set()
    assert store.all() == []


def test_a_name_moves_and_its_old_blobs_go(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    old = _put(store, tmp_path / "tmp", "x/a:1", b"old")
    new = _put(store, tmp_path / "tmp", "x/a:1", b"new")
    assert [r.digest for r in store.all()] == [new]
    assert old not in _blobs(store) and str(sha256_of(b"old")) not in _blobs(store)


def test_expect_refuses_a_name_taken_or_changed_meanwhile(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    digest = _put(store, tmp_path / "tmp", "x/a:1", b"one", expect=None)
    with pytest.raises(Conflict, match="x/a:1: artifact already exists"):
        _put(store, tmp_path / "tmp", "x/a:1", b"two", expect=None)
    with pytest.raises(Conflict, match="changed"):
        _put(store, tmp_path / "tmp", "x/a:1", b"two", expect="sha256:" + "0" * 64)
    _put(store, tmp_path / "tmp", "x/a:1", b"two", expect=digest)


def test_stage_refuses_a_digest_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    with pytest.raises(InvalidArgument, match="digest mismatch"):
        ArtifactStore.stage(io.BytesIO(b"data"), path, expected="sha256:" + "0" * 64)
    assert not path.exists()


def test_blob_paths_take_sha256_digests_only(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    for bad in ("md5:abc", "sha256:../x", "nodigest"):
        with pytest.raises(InvalidArgument):
            store.blob_path(bad)

"""The layer store on tmp_path: ingest, dedupe, stale temp dirs, removal."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest

from hutch.api.errors import HutchError
from hutch.config.paths import Paths
from hutch.store.layers import LayerStore, remove_tree

# Above PID_MAX_LIMIT (2**22): no process can have this pid.
DEAD_PID = 2**22 + 1


def make_tar(files: dict[str, bytes], *, uid: int = 0) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({str(Path(n).parent) for n in files if str(Path(n).parent) != "."})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, uid, uid
            tar.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.gid, info.mtime = len(data), 0o644, uid, uid, 1
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")


@pytest.fixture
def store(paths: Paths) -> LayerStore:
    return LayerStore(paths)


def leftovers(paths: Paths) -> list[str]:
    return sorted(p.name for p in paths.tmp.iterdir()) if paths.tmp.exists() else []


def test_ingest_plain_tar(store: LayerStore, paths: Paths) -> None:
    data = make_tar({"etc/hostname": b"box\n", "bin/tool": b"#!/bin/sh\n"}, uid=1234)
    info = store.ingest(io.BytesIO(data), ignore_chown=True)
    assert info.diff_id == sha256(data)
    assert info.blob_digest == sha256(data)
    assert info.media_type == "application/vnd.oci.image.layer.v1.tar"
    assert info.blob_size == len(data)
    assert info.size == len(data)  # the uncompressed tar, as podman's storage counts a layer
    tree = store.layer_dir(info.diff_id)
    assert tree == paths.layers / hashlib.sha256(data).hexdigest() / "diff"
    assert (tree / "etc" / "hostname").read_bytes() == b"box\n"
    assert store.blob_path(info.blob_digest).read_bytes() == data
    assert leftovers(paths) == []


def test_ingest_gzip_keeps_the_compressed_blob(store: LayerStore) -> None:
    data = make_tar({"a": b"x" * 5000})
    blob = gzip.compress(data)
    info = store.ingest(io.BytesIO(blob), ignore_chown=True)
    assert info.diff_id == sha256(data)
    assert info.blob_digest == sha256(blob)
    assert info.media_type == "application/vnd.oci.image.layer.v1.tar+gzip"
    assert info.blob_size == len(blob)
    assert store.blob_path(info.blob_digest).read_bytes() == blob
    assert store.blob_path("sha256:abc").parts[-2:] == ("sha256", "abc")


def test_same_layer_twice_is_stored_once(store: LayerStore, paths: Paths) -> None:
    data = make_tar({"f": b"one"})
    first = store.ingest(io.BytesIO(data), ignore_chown=True)
    marker = store.layer_dir(first.diff_id) / "f"
    inode = marker.stat().st_ino
    second = store.ingest(io.BytesIO(data), ignore_chown=True)
    assert second == first
    assert marker.stat().st_ino == inode, "the existing tree is kept, not replaced"
    assert [p.name for p in paths.layers.iterdir()] == [hashlib.sha256(data).hexdigest()]
    assert len(list((paths.blobs / "sha256").iterdir())) == 1
    assert leftovers(paths) == []


def test_a_broken_layer_leaves_nothing_behind(store: LayerStore, paths: Paths) -> None:
    data = make_tar({"f": b"x" * 2000})
    with pytest.raises(HutchError, match="not a valid tar"):
        store.ingest(io.BytesIO(data[:700]), ignore_chown=True)
    assert leftovers(paths) == []
    assert not paths.layers.exists() or list(paths.layers.iterdir()) == []


def test_remove_deletes_tree_and_blob(store: LayerStore, paths: Paths) -> None:
    keep = store.ingest(io.BytesIO(make_tar({"k": b"keep"})), ignore_chown=True)
    gone = store.ingest(io.BytesIO(make_tar({"g": b"gone"})), ignore_chown=True)
    store.remove(gone.diff_id, gone.blob_digest)
    assert not store.layer_dir(gone.diff_id).parent.exists()
    assert not store.blob_path(gone.blob_digest).exists()
    assert (store.layer_dir(keep.diff_id) / "k").read_bytes() == b"keep"
    assert store.blob_path(keep.blob_digest).exists()
    assert leftovers(paths) == []
    # Removing again (or a layer never stored) is harmless.
    store.remove(gone.diff_id, gone.blob_digest)
    store.remove("sha256:" + "f" * 64, None)


def test_new_tmp_is_named_by_pid(store: LayerStore, paths: Paths) -> None:
    first, second = store.new_tmp(), store.new_tmp()
    assert first != second
    assert first.parent == paths.tmp
    assert first.name.split("-", 1)[0] == str(os.getpid())


def test_clean_stale_tmp_removes_dead_and_keeps_live(store: LayerStore, paths: Paths) -> None:
    mine = store.new_tmp()
    (mine / "file").write_text("in use")
    dead = paths.tmp / f"{DEAD_PID}-abcdef"
    (dead / "diff" / "sub").mkdir(parents=True)
    (dead / "diff" / "sub" / "f").write_text("x")
    (dead / "diff" / "sub").chmod(0o500)  # a layer may hold unwritable dirs
    store.clean_stale_tmp()
    assert mine.exists() and (mine / "file").read_text() == "in use"
    assert not dead.exists()


def test_clean_stale_tmp_without_tmp_dir(store: LayerStore, paths: Paths) -> None:
    store.clean_stale_tmp()
    assert not paths.tmp.exists()


def test_clean_stale_tmp_keeps_a_live_drivers_probe(store: LayerStore, paths: Paths) -> None:
    """The driver probe's scratch dir is named like every temp entry: "<pid>-probe"."""
    from hutch.store import drivers

    seen: list[bool] = []

    def probe(scratch: Path) -> str | None:
        (scratch / "lower").mkdir(parents=True)
        store.clean_stale_tmp()  # a concurrent command cleaning up mid-probe
        seen.append(scratch.exists())
        return "no overlay here"

    original = drivers.probe_overlay
    drivers.probe_overlay = probe  # type: ignore[assignment]
    try:
        drivers._probe(paths)
    finally:
        drivers.probe_overlay = original
    assert seen == [True]


def test_remove_tree_copes_with_unwritable_dirs(tmp_path: Path) -> None:
    top = tmp_path / "t"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "f").write_text("x")
    (top / "a" / "b").chmod(0o500)
    (top / "a").chmod(0o500)
    remove_tree(top)
    assert not top.exists()


def test_lock_file_is_created_and_released(store: LayerStore, paths: Paths) -> None:
    with store.lock():
        assert (paths.storage / "layers.lock").exists()
    with LayerStore(paths).lock():
        pass


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"hello\n", "unexpected EOF"), (b"x" * 3000, "archive/tar: invalid tar header")],
)
def test_a_stream_that_is_no_tar_names_its_whole_digest(
    store: LayerStore, data: bytes, reason: str
) -> None:
    from hutch.store.tarextract import NotTar

    with pytest.raises(NotTar) as err:
        store.ingest(io.BytesIO(data))
    # Go's words, and the digest of every byte (podman's "Copying blob" line)
    assert (err.value.reason, err.value.blob) == (reason, sha256(data))
    assert store.stored_blobs() == store.stored_layers() == []  # nothing kept

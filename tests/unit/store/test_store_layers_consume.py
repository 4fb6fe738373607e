"""``LayerStore.ingest_dir(consume=True)``: the upper dir is moved in, not unpacked again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hutch.config.paths import Paths
from hutch.store.layers import LayerStore

OPAQUE = "user.overlay.opaque"
ORIGIN = "user.overlay.origin"


@pytest.fixture
def store(tmp_path: Path) -> LayerStore:
    return LayerStore(
        Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    )


def _upper(store: LayerStore) -> Path:
    """An upper dir as a build step leaves it, in the store's temp area."""
    tree = store.new_tmp() / "upper"
    (tree / "etc" / "app").mkdir(parents=True)
    (tree / "etc" / "app" / "conf").write_text("x = 1\n")
    (tree / "bin").mkdir()
    (tree / "bin" / "tool").write_text("#!/bin/sh\n")
    os.chmod(tree / "bin" / "tool", 0o755)
    os.symlink("tool", tree / "bin" / "alias")
    os.setxattr(tree / "etc" / "app", OPAQUE, b"y")
    os.setxattr(tree / "etc" / "app" / "conf", ORIGIN, b"bookkeeping")
    os.setxattr(tree / "etc" / "app" / "conf", "user.keep", b"mine")
    for path in tree.rglob("*"):
        os.utime(path, (2_000_000_000, 2_000_000_000), follow_symlinks=False)
    return tree


def test_moved_layer_equals_the_unpacked_one(store: LayerStore, tmp_path: Path) -> None:
    tree = _upper(store)
    copy = store.new_tmp() / "upper"
    shutil.copytree(tree, copy, symlinks=True)
    unpacked = store.ingest_dir(copy, clamp_mtime=1_000_000_000)
    store.remove(unpacked.diff_id, unpacked.blob_digest)
    moved = store.ingest_dir(tree, clamp_mtime=1_000_000_000, consume=True)
    assert moved == unpacked  # same diff id, blob, media type and sizes
    assert not tree.exists()  # consumed
    layer = store.layer_dir(moved.diff_id)
    assert (layer / "etc" / "app" / "conf").read_text() == "x = 1\n"
    assert os.readlink(layer / "bin" / "alias") == "tool"
    assert os.stat(layer / "bin" / "tool").st_mode & 0o777 == 0o755
    assert os.getxattr(layer / "etc" / "app", OPAQUE) == b"y"
    conf = layer / "etc" / "app" / "conf"
    assert ORIGIN not in os.listxattr(conf)  # overlay's bookkeeping is not layer content
    assert os.getxattr(conf, "user.keep") == b"mine"
    assert os.lstat(conf).st_mtime == 1_000_000_000  # clamped as in the tar
    blob = store.blob_path(moved.blob_digest)
    assert blob.stat().st_size == moved.blob_size
    assert moved.blob_digest == moved.diff_id  # the blob is the plain tar


def test_an_interrupted_commit_leaves_no_layer(
    store: LayerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _upper(store)

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(LayerStore, "_commit", crash)
    with pytest.raises(KeyboardInterrupt):
        store.ingest_dir(tree, consume=True)
    layers = store.layer_dir("sha256:0").parent.parent
    assert not layers.exists() or list(layers.iterdir()) == []
    blobs = store.blob_path("sha256:0").parent
    assert not blobs.exists() or list(blobs.iterdir()) == []


def test_an_existing_layer_is_kept_and_the_tree_dropped(store: LayerStore) -> None:
    first = store.ingest_dir(_upper(store), consume=True)
    again = store.ingest_dir(_upper(store), consume=True)
    assert again == first
    assert (store.layer_dir(first.diff_id) / "bin" / "tool").exists()
    assert [p.name for p in store.layer_dir("sha256:0").parent.parent.iterdir()] == [
        first.diff_id.split(":")[1]
    ]

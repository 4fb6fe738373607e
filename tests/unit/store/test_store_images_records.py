"""Image records: add, names moving between images, prefixes, removal and orphans."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.store import db
from hutch.store.images import ImageStore
from hutch.store.layers import LayerInfo


def layer(n: int) -> LayerInfo:
    return LayerInfo(
        f"sha256:{n:064x}", f"sha256:{n + 1000:064x}", "application/x", n * 10, n * 100
    )


L1, L2, L3 = layer(1), layer(2), layer(3)
ID_A = "aa11" + "0" * 60
ID_B = "aa22" + "0" * 60
ID_C = "cc00" + "0" * 60


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> ImageStore:
    return ImageStore(conn)


def add(store: ImageStore, image_id: str, layers: list[LayerInfo], *names: str) -> None:
    store.add(image_id, b'{"c":1}', b'{"m":1}', "sha256:" + image_id, layers, list(names))


def test_add_and_get(store: ImageStore) -> None:
    record = store.add(ID_A, b"cfg", b"man", "sha256:dd", [L1, L2], ["localhost/a:1"])
    assert (record.id, record.config_raw, record.manifest_raw, record.digest) == (
        ID_A,
        b"cfg",
        b"man",
        "sha256:dd",
    )
    assert record.names == ("localhost/a:1",)
    assert record.diff_ids == (L1.diff_id, L2.diff_id)
    # podman's storage: the layers, the config and the manifest twice (two keys)
    assert record.size == L1.size + L2.size + len(b"cfg") + 2 * len(b"man")
    assert store.get(ID_A) == record
    assert store.get(ID_B) is None


def test_add_is_idempotent_and_adds_names(store: ImageStore) -> None:
    add(store, ID_A, [L1], "localhost/a:1")
    add(store, ID_A, [L1], "localhost/a:2")
    record = store.get(ID_A)
    assert record is not None
    assert record.names == ("localhost/a:1", "localhost/a:2")
    assert record.diff_ids == (L1.diff_id,)
    assert len(store.all()) == 1


def test_a_name_moves_to_the_newer_image(store: ImageStore) -> None:
    add(store, ID_A, [L1], "localhost/app:latest", "localhost/app:1")
    add(store, ID_B, [L2], "localhost/app:latest")
    by_name = store.by_name("localhost/app:latest")
    assert by_name is not None and by_name.id == ID_B
    old = store.get(ID_A)
    assert old is not None and old.names == ("localhost/app:1",)


def test_by_id_prefix_returns_at_most_two(store: ImageStore) -> None:
    add(store, ID_A, [L1])
    add(store, ID_B, [L1])
    add(store, ID_C, [L1])
    assert [r.id for r in store.by_id_prefix("aa1")] == [ID_A]
    assert len(store.by_id_prefix("aa")) == 2
    assert store.by_id_prefix("ab") == []
    assert [r.id for r in store.by_id_prefix(ID_C)] == [ID_C]


def test_all_lists_newest_first_with_names_and_layers(store: ImageStore) -> None:
    add(store, ID_A, [L1, L2], "localhost/a:1")
    add(store, ID_B, [L3])
    records = store.all()
    assert [r.id for r in records] == [ID_B, ID_A]
    assert records[0].names == ()
    assert records[1].names == ("localhost/a:1",)
    assert records[1].diff_ids == (L1.diff_id, L2.diff_id)


def test_untag(store: ImageStore) -> None:
    add(store, ID_A, [L1], "localhost/a:1", "localhost/a:2")
    assert store.untag("localhost/a:1") is True
    assert store.untag("localhost/a:1") is False
    record = store.get(ID_A)
    assert record is not None and record.names == ("localhost/a:2",)


def test_remove_returns_only_layers_nothing_else_uses(
    store: ImageStore, conn: sqlite3.Connection
) -> None:
    add(store, ID_A, [L1, L2], "localhost/a:1")
    add(store, ID_B, [L1, L3], "localhost/b:1")
    orphans = store.remove(ID_A)
    assert orphans == [(L2.diff_id, L2.blob_digest)]
    assert store.get(ID_A) is None
    assert store.by_name("localhost/a:1") is None  # names go with the image
    assert conn.execute("SELECT count(*) FROM image_names").fetchone()[0] == 1
    assert sorted(store.remove(ID_B)) == sorted(
        [(L1.diff_id, L1.blob_digest), (L3.diff_id, L3.blob_digest)]
    )
    assert conn.execute("SELECT count(*) FROM layers").fetchone()[0] == 0


def test_remove_of_an_unknown_image_orphans_nothing(store: ImageStore) -> None:
    add(store, ID_A, [L1])
    assert store.remove(ID_B) == []
    assert store.get(ID_A) is not None


def test_layer_blobs_in_the_order_asked(store: ImageStore) -> None:
    add(store, ID_A, [L1, L2])
    assert store.layer_blobs([L2.diff_id, L1.diff_id, "sha256:unknown"]) == [
        (L2.diff_id, L2.blob_digest, "application/x"),
        (L1.diff_id, L1.blob_digest, "application/x"),
    ]


def test_config_is_parsed_from_the_raw_bytes(store: ImageStore) -> None:
    raw = b'{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
    record = store.add(ID_A, raw, b"{}", "sha256:x", [L1], [])
    assert (record.config.architecture, record.config.os) == ("arm64", "linux")


def test_names_history_as_containers_storage_keeps_it(tmp_path: Path) -> None:
    """podman 4.3.1, seen: each change of an image's names moves its names (in their
    order) to the front of its history; a name untagged or moved away stays in it."""
    store = ImageStore(db.connect(tmp_path / "h.db"))
    store.add("i1", b"{}", b"{}", "sha256:d", [], ["base"])
    store.add("i1", b"{}", b"{}", "sha256:d", [], ["base2"])
    store.tag("other:1", "i1")
    store.tag("extra", "i1")
    record = store.get("i1")
    assert record is not None
    assert record.names_history == ("extra", "other:1", "base2", "base")
    assert store.untag("base2") and not store.untag("nothing")
    record = store.get("i1")
    assert record is not None and record.names_history == ("extra", "other:1", "base", "base2")
    store.add("i2", b"{}", b"{}", "sha256:e", [], ["base"])  # the name moves to i2
    record = store.get("i1")
    assert record is not None and record.names == ("other:1", "extra")
    assert record.names_history == ("extra", "other:1", "base", "base2")
    assert [r.names_history for r in store.all() if r.id == "i2"] == [("base",)]


def test_the_same_image_through_another_manifest_is_found_by_either_digest(
    store: ImageStore,
) -> None:
    first = store.add(ID_A, b"cfg", b"gzip manifest", "sha256:d1", [L1], ["r/a:1"])
    # pulled again through a recompressed copy: the same config, hence the same id
    again = store.add(ID_A, b"cfg", b"zstd manifest", "sha256:d2", [L1], [])
    assert again == first  # the image's own manifest and digest stay
    assert store.digests(ID_A) == ("sha256:d1", "sha256:d2")
    assert store.by_digest("sha256:d1") == first
    seen = store.by_digest("sha256:d2")
    assert seen is not None
    assert (seen.id, seen.digest, seen.manifest_raw) == (ID_A, "sha256:d2", b"zstd manifest")
    store.add(ID_A, b"cfg", b"zstd manifest", "sha256:d2", [L1], [])  # once only
    assert store.digests(ID_A) == ("sha256:d1", "sha256:d2")
    assert store.by_digest("sha256:d3") is None
    assert store.digests(ID_B) == ()
    store.remove(ID_A)  # the other manifests go with the image
    assert store.by_digest("sha256:d2") is None

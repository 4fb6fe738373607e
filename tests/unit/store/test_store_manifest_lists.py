"""Manifest list records: an image row holding the index, its names, its entries'
sources, edits in one transaction, and removal with rmi's path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.api.errors import Conflict, NoSuchObject
from hutch.oci.digest import sha256_of
from hutch.oci.manifest_list import empty_index
from hutch.store import db
from hutch.store.images import ImageStore

LIST_ID = "ab" * 32
IMAGE_ID = "cd" * 32


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> ImageStore:
    return ImageStore(conn)


def new_list(store: ImageStore, name: str = "localhost/l:latest") -> bytes:
    raw = empty_index().to_bytes()
    store.add_list(LIST_ID, raw, str(sha256_of(raw)), name, {})
    return raw


def test_a_list_is_an_image_with_the_index_as_its_manifest(store: ImageStore) -> None:
    raw = new_list(store)
    record = store.by_name("localhost/l:latest")
    assert record is not None and record.is_list
    assert (record.manifest_raw, record.digest, record.size) == (raw, str(sha256_of(raw)), len(raw))
    assert record.diff_ids == () and record.config.config.labels == ()
    assert [r.id for r in store.all()] == [LIST_ID]
    store.add(IMAGE_ID, b"{}", b'{"schemaVersion":2}', "sha256:x", [], ["localhost/i:1"])
    image = store.get(IMAGE_ID)
    assert image is not None and not image.is_list


def test_a_name_in_use_is_refused_in_podmans_words(store: ImageStore) -> None:
    store.add(IMAGE_ID, b"{}", b"{}", "sha256:x", [], ["localhost/l:latest"])
    with pytest.raises(Conflict, match=f'already associated with image "{IMAGE_ID}": that name'):
        new_list(store)
    assert store.get(LIST_ID) is None  # nothing half-written


def test_edits_rewrite_index_digest_and_sources_together(store: ImageStore) -> None:
    new_list(store)

    def edit(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        assert sources == {}
        return b'{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}', {
            "sha256:1": "docker://r/x@sha256:1"
        }

    record = store.edit_list(LIST_ID, edit)
    assert record.digest == str(sha256_of(record.manifest_raw))
    assert store.list_sources(LIST_ID) == {"sha256:1": "docker://r/x@sha256:1"}


def test_a_failed_edit_changes_nothing(store: ImageStore) -> None:
    raw = new_list(store)

    def broken(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        raise NoSuchObject("no instance")

    with pytest.raises(NoSuchObject):
        store.edit_list(LIST_ID, broken)
    record = store.get(LIST_ID)
    assert record is not None and record.manifest_raw == raw
    with pytest.raises(NoSuchObject, match="image not known"):
        store.edit_list(IMAGE_ID, broken)


def test_removing_a_list_drops_its_sources_row(store: ImageStore, conn: sqlite3.Connection) -> None:
    new_list(store)
    assert store.remove(LIST_ID) == []
    assert store.by_name("localhost/l:latest") is None
    assert conn.execute("SELECT COUNT(*) FROM manifest_lists").fetchone()[0] == 0


def test_by_digest_finds_a_lists_entry(store: ImageStore) -> None:
    store.add(IMAGE_ID, b"{}", b"{}", "sha256:" + "e" * 64, [], [])
    found = store.by_digest("sha256:" + "e" * 64)
    assert found is not None and found.id == IMAGE_ID
    assert store.by_digest("sha256:" + "f" * 64) is None

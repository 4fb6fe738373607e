"""Volume records: unique names, links to containers, refusal to delete a volume in use."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.api.errors import Conflict
from hutch.config.paths import Paths
from hutch.store import db
from hutch.store.containers import ContainerStore
from hutch.store.volumes import VolumeStore
from unit.storerows import image_row

CTR = "c" * 64


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")


def test_create_makes_record_and_data_dir(conn: sqlite3.Connection, paths: Paths) -> None:
    store = VolumeStore(conn, paths)
    record = store.create("v1", labels=(("a", "b"),), options=(("type", "tmpfs"),))
    assert record.labels == (("a", "b"),)
    assert record.options == (("type", "tmpfs"),)
    assert record.needs_copy_up and not record.anonymous
    assert store.data_dir("v1") == paths.storage / "volumes" / "v1" / "_data"
    assert store.data_dir("v1").is_dir()
    with pytest.raises(Conflict, match="already exists"):
        store.create("v1")


def test_links_block_deletion_until_the_container_goes(
    conn: sqlite3.Connection, paths: Paths
) -> None:
    volumes = VolumeStore(conn, paths)
    containers = ContainerStore(conn, paths)
    image_row(conn, "img")
    containers.create(CTR, "web", "img", "img", b"{}")
    assert not containers.mounts_volumes(CTR)  # the removal's cue to skip the volume code
    volumes.create("v1", anonymous=True)
    volumes.link(CTR, [("v1", "/data")])
    assert volumes.users("v1") == (CTR,)
    assert volumes.volumes_of(CTR) == ("v1",)
    assert containers.mounts_volumes(CTR)
    with pytest.raises(Conflict, match="being used"):
        volumes.delete("v1")
    containers.delete(CTR)
    assert volumes.users("v1") == ()
    volumes.delete("v1")
    assert volumes.get("v1") is None


def test_copied_up_clears_the_flag(conn: sqlite3.Connection, paths: Paths) -> None:
    store = VolumeStore(conn, paths)
    store.create("v1")
    store.copied_up("v1")
    record = store.get("v1")
    assert record is not None and not record.needs_copy_up


def test_the_first_mount_clears_needs_chown(conn: sqlite3.Connection, paths: Paths) -> None:
    store = VolumeStore(conn, paths)
    store.create("mine", needs_chown=True)
    store.create("given")
    first, given = store.get("mine"), store.get("given")
    assert first is not None and first.needs_chown
    assert given is not None and not given.needs_chown
    store.copied_up("mine")
    after = store.get("mine")
    assert after is not None and not after.needs_chown and not after.needs_copy_up


def test_volume_mounts_are_held_until_unmounted_never_below_none(
    conn: sqlite3.Connection, paths: Paths
) -> None:
    """``volume mount``'s share of MountCount: podman's count, which unmount lowers
    and an unmount of an unmounted volume leaves at 0."""
    store = VolumeStore(conn, paths)
    store.create("tmp", options=(("type", "tmpfs"),))
    assert store.held("tmp") == 0
    assert (store.hold("tmp", +1), store.hold("tmp", +1)) == (1, 2)
    assert store.held("tmp") == 2
    assert [store.hold("tmp", -1) for _ in range(3)] == [1, 0, 0]
    assert store.held("tmp") == 0
    assert not (store.directory("tmp") / "mount-count").exists()  # no count: no file

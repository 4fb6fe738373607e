"""The state database: creation, migration idempotence, transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hutch.store import db
from hutch.store.images import ImageStore, image_size
from hutch.store.layers import LayerInfo


def test_connect_creates_the_schema_in_wal_mode(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "h.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"layers", "images", "image_layers", "image_names", "containers"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    conn.close()


def test_reconnecting_keeps_data(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "h.db")
    with db.transaction(conn):
        conn.execute("INSERT INTO layers VALUES ('sha256:x', 'sha256:y', 'application/x', 1, 2, 0)")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    again = db.connect(tmp_path / "h.db")
    assert again.execute("SELECT count(*) FROM layers").fetchone()[0] == 1
    assert again.execute("PRAGMA user_version").fetchone()[0] == version
    again.close()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "h.db")
    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO layers VALUES ('a', 'b', 'c', 1, 2, 0)")
        raise RuntimeError("interrupted")
    assert conn.execute("SELECT count(*) FROM layers").fetchone()[0] == 0
    assert not conn.in_transaction
    conn.close()


def test_a_transaction_that_need_not_be_durable_commits_without_a_sync(tmp_path: Path) -> None:
    """``durable=False`` (a new container's record before its config, a --rm
    container's): SQLite's NORMAL level for that commit alone, seen by every other
    connection at once; the connection's own level comes back after it, also when
    the transaction fails (issue 16)."""
    conn = db.connect(tmp_path / "h.db")
    other = db.connect(tmp_path / "h.db")
    level = conn.execute("PRAGMA synchronous").fetchone()[0]
    assert level == 2  # FULL: a commit syncs the WAL
    with db.transaction(conn, durable=False):
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: no sync
        conn.execute("INSERT INTO layers VALUES ('a', 'b', 'c', 1, 2, 0)")
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == level
    assert other.execute("SELECT count(*) FROM layers").fetchone()[0] == 1
    with pytest.raises(RuntimeError), db.transaction(conn, durable=False):
        conn.execute("INSERT INTO layers VALUES ('d', 'e', 'f', 1, 2, 0)")
        raise RuntimeError("interrupted")
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == level
    assert other.execute("SELECT count(*) FROM layers").fetchone()[0] == 1
    with db.transaction(conn):
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == level
    conn.close()
    other.close()


def test_rows_are_addressable_by_column_name(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "h.db")
    row = conn.execute("SELECT 1 AS one").fetchone()
    assert isinstance(row, sqlite3.Row) and row["one"] == 1
    conn.close()


def _old_database(path: Path, version: int) -> sqlite3.Connection:
    """A database as hutch made it at schema ``version`` (its first scripts only)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in db._SCHEMA[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def _database_of_version_5(path: Path) -> None:
    """A database as hutch made it before version 6, with a container that has a
    volume and a network address (both tables refer to ``containers``)."""
    conn = _old_database(path, 5)
    conn.executescript(
        """
        INSERT INTO containers (id, name, image_id, image_name, created, state, config)
            VALUES ('c1', 'web', 'i1', 'busybox', 1.5, 'created', x'7b7d');
        INSERT INTO containers (id, name, image_id, image_name, created, state, config)
            VALUES ('c2', 'db', 'i1', 'busybox', 2.5, 'created', x'7b7d');
        INSERT INTO volumes VALUES ('v', 'local', 0, '{}', '{}', 0, 0);
        INSERT INTO container_volumes VALUES ('c1', 'v', '/data');
        INSERT INTO networks VALUES ('n', 'nid', 'bridge', 'hutch1', '{}', 0);
        INSERT INTO network_attachments VALUES ('c1', 'n', 0, '10.89.0.2', 'm', '[]', '');
        """
    )
    conn.close()


def test_version_6_drops_the_state_columns_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    _database_of_version_5(path)
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db._SCHEMA) >= 6
    columns = [r["name"] for r in conn.execute("PRAGMA table_info(containers)")]
    # (version 8 adds pod_id after them)
    assert columns[:6] == ["id", "name", "image_id", "image_name", "created", "config"]
    rows = conn.execute("SELECT * FROM containers ORDER BY id").fetchall()
    assert [tuple(r)[:6] for r in rows] == [
        ("c1", "web", "i1", "busybox", 1.5, b"{}"),
        ("c2", "db", "i1", "busybox", 2.5, b"{}"),
    ]
    # The links survived the rebuild, and still follow their container.
    assert conn.execute("SELECT count(*) FROM container_volumes").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM network_attachments").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    indexes = {r["name"] for r in conn.execute("PRAGMA index_list(containers)")}
    assert "containers_image" in indexes
    with db.transaction(conn):
        conn.execute("DELETE FROM containers WHERE id = 'c1'")
    assert conn.execute("SELECT count(*) FROM container_volumes").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM network_attachments").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError):  # unique names hold in the new table
        conn.execute(
            "INSERT INTO containers (id, name, image_id, image_name, created, config) "
            "VALUES ('c3', 'db', 'i', 'i', 0, x'')"
        )
    conn.close()


def _database_of_version_7(path: Path) -> None:
    """A database as hutch made it before pods (version 8): one container."""
    conn = _old_database(path, 7)
    conn.executescript(
        """
        INSERT INTO containers (id, name, image_id, image_name, created, config)
            VALUES ('c1', 'web', 'i1', 'busybox', 1.5, x'7b7d');
        """
    )
    conn.close()


def test_version_8_adds_pods_and_keeps_the_containers_out_of_any(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    _database_of_version_7(path)
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db._SCHEMA) >= 8
    row = conn.execute("SELECT * FROM containers WHERE id = 'c1'").fetchone()
    assert row["name"] == "web" and row["pod_id"] is None
    with db.transaction(conn):
        conn.execute("INSERT INTO pods VALUES ('p1', 'pod', 2.0, '', x'7b7d')")
        conn.execute("UPDATE containers SET pod_id = 'p1' WHERE id = 'c1'")
    # A pod with a member cannot go; a member of a pod that does not exist cannot be.
    with pytest.raises(sqlite3.IntegrityError), db.transaction(conn):
        conn.execute("DELETE FROM pods WHERE id = 'p1'")
    with pytest.raises(sqlite3.IntegrityError), db.transaction(conn):
        conn.execute("UPDATE containers SET pod_id = 'nope' WHERE id = 'c1'")
    with pytest.raises(sqlite3.IntegrityError), db.transaction(conn):  # names are unique
        conn.execute("INSERT INTO pods VALUES ('p2', 'pod', 2.0, '', x'7b7d')")
    indexes = {r["name"] for r in conn.execute("PRAGMA index_list(containers)")}
    assert "containers_pod" in indexes
    conn.close()


TAR = "application/vnd.oci.image.layer.v1.tar"
GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def test_version_9_gives_old_images_todays_size(tmp_path: Path) -> None:
    """An image recorded before sizes were counted as podman counts them (its layers'
    files only) gets the size the store records today for the same image."""
    path = tmp_path / "h.db"
    conn = _old_database(path, 8)
    conn.executescript(
        f"""
        INSERT INTO layers VALUES ('l1', 'l1', '{TAR}', 10240, 7000, 1.0);
        INSERT INTO layers VALUES ('l2', 'b2', '{GZIP}', 300, 900, 1.0);
        INSERT INTO images VALUES ('i1', x'7b7d', x'7b2261223a317d', 'sha256:d', 1.0, 7900);
        INSERT INTO image_layers VALUES ('i1', 0, 'l1');
        INSERT INTO image_layers VALUES ('i1', 1, 'l2');
        INSERT INTO images VALUES ('i0', x'7b7d', x'7b7d', 'sha256:e', 1.0, 0);
        """
    )
    conn.close()
    conn = db.connect(path)
    store = ImageStore(conn)
    # the uncompressed layer's tar is its blob; the compressed one keeps its count
    layers = [LayerInfo("l1", "l1", TAR, 10240, 10240), LayerInfo("l2", "b2", GZIP, 300, 900)]
    old = store.get("i1")
    assert old is not None and old.size == image_size(layers, b"{}", b'{"a":1}') == 11156
    empty = store.get("i0")
    assert empty is not None and empty.size == image_size([], b"{}", b"{}") == 6
    # what the store records for a new image, by the same formula
    new = store.add("i2", b"{}", b'{"a":1}', "sha256:f", layers, ["x"])
    assert new.size == old.size
    conn.close()


def test_version_11_starts_each_history_with_its_names(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    conn = _old_database(path, 10)
    conn.executescript(
        """
        INSERT INTO images VALUES ('i1', x'7b7d', x'7b7d', 'sha256:d', 1.0, 6);
        INSERT INTO images VALUES ('i2', x'7b7d', x'7b7d', 'sha256:e', 1.0, 6);
        INSERT INTO image_names VALUES ('localhost/a:1', 'i1', 1.0);
        INSERT INTO image_names VALUES ('localhost/b:1', 'i1', 2.0);
        """
    )
    conn.close()
    store = ImageStore(db.connect(path))
    one, two = store.get("i1"), store.get("i2")
    assert one is not None and one.names_history == ("localhost/b:1", "localhost/a:1")
    assert two is not None and two.names_history == ()


def test_version_16_lists_the_old_containers_that_mount_an_image(tmp_path: Path) -> None:
    """Containers made before version 14 have no link to an image they mount with
    ``--mount type=image`` (the record names it as given): 16 lists them, for the
    engine to link from their spec; the others are not listed, nor is one linked."""
    path = tmp_path / "h.db"
    conn = _old_database(path, 13)
    image_mount = b'{"mounts":[{"kind":"image","destination":"/m","source":"alpine"}],"version":1}'
    bind_mount = b'{"mounts":[{"kind":"bind","destination":"/m","source":"/srv"}],"version":1}'
    rows = [
        ("c1", "mounts", image_mount),
        ("c2", "binds", bind_mount),
        ("c3", "plain", b'{"version":1}'),
        ("c4", "broken", b"not json"),
        ("c5", "untyped", b"{}"),
    ]
    conn.executemany(
        "INSERT INTO containers (id, name, image_id, image_name, created, config) "
        "VALUES (?, ?, 'i1', 'busybox', 1.0, ?)",
        rows,
    )
    conn.close()
    migrated = db.connect(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == len(db._SCHEMA) >= 16
    images = ImageStore(migrated)
    assert images.unlinked_mounts() == ["c1"]
    images.mounts_linked("c1")
    assert images.unlinked_mounts() == []
    migrated.close()


def test_version_16_leaves_out_a_container_already_linked(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    conn = _old_database(path, 15)
    config = b'{"mounts":[{"kind":"image","destination":"/m","source":"alpine"}]}'
    conn.execute(
        "INSERT INTO containers (id, name, image_id, image_name, created, config) "
        "VALUES ('c1', 'new', 'i1', 'busybox', 1.0, ?)",
        (config,),
    )
    conn.execute("INSERT INTO container_images VALUES ('c1', 'i2')")
    conn.close()
    migrated = db.connect(path)
    assert ImageStore(migrated).unlinked_mounts() == []
    # the list goes with the container
    with db.transaction(migrated):
        migrated.execute("INSERT INTO unlinked_image_mounts VALUES ('c1')")
        migrated.execute("DELETE FROM containers WHERE id = 'c1'")
    assert ImageStore(migrated).unlinked_mounts() == []
    migrated.close()

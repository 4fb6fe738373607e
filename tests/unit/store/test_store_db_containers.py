"""Container records: unique names, lookup by name/id/prefix, deletion, directories."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.api.errors import Conflict
from hutch.config.paths import Paths
from hutch.store import db
from hutch.store.containers import ContainerStore
from unit.storerows import image_row

ID_1 = "1a" + "0" * 62
ID_2 = "1b" + "0" * 62
ID_3 = "2c" + "0" * 62


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection, tmp_path: Path) -> ContainerStore:
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    s = ContainerStore(conn, paths)
    image_row(conn, "img1", "img2")
    s.create(ID_1, "web", "img1", "localhost/a:1", b'{"x":1}')
    s.create(ID_2, "db", "img1", "localhost/a:1", b"{}")
    s.create(ID_3, "cache", "img2", "localhost/b:1", b"{}")
    return s


def test_create_records_the_container(store: ContainerStore) -> None:
    record = store.get(ID_1)
    assert record is not None
    assert (record.name, record.image_id, record.image_name) == ("web", "img1", "localhost/a:1")
    assert record.config == b'{"x":1}'


def test_duplicate_name_is_a_conflict(store: ContainerStore) -> None:
    with pytest.raises(Conflict, match='the container name "web" is already in use by '):
        store.create("9" * 64, "web", "img2", "x", b"{}")
    assert store.get("9" * 64) is None
    assert len(store.all()) == 3


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("web", [ID_1]),
        (ID_2, [ID_2]),
        ("2c", [ID_3]),
        ("1a0", [ID_1]),
        ("nothing", []),
    ],
)
def test_lookup(store: ContainerStore, text: str, ids: list[str]) -> None:
    assert [r.id for r in store.lookup(text)] == ids


def test_ambiguous_prefix_returns_both(store: ContainerStore) -> None:
    assert sorted(r.id for r in store.lookup("1")) == [ID_1, ID_2]


def test_exact_name_wins_over_an_id_prefix(store: ContainerStore) -> None:
    store.create("5" * 64, "1a", "img2", "x", b"{}")
    assert [r.id for r in store.lookup("1a")] == ["5" * 64]


def test_users_of_image(store: ContainerStore) -> None:
    assert sorted(r.id for r in store.users_of_image("img1")) == [ID_1, ID_2]
    assert store.users_of_image("none") == []


def test_delete(store: ContainerStore) -> None:
    store.delete(ID_1)
    assert store.get(ID_1) is None
    # The name is free again.
    store.create("8" * 64, "web", "img1", "x", b"{}")


def test_delete_tells_whether_the_container_had_network_addresses(
    store: ContainerStore, conn: sqlite3.Connection
) -> None:
    """rm refreshes the names the user networks serve only for a container that had
    addresses on one (issue 16: a --network none container's rm skips the network code)."""
    conn.execute(
        "INSERT INTO networks VALUES ('front', ?, 'bridge', 'hutch1', '{}', 0)", ("f" * 64,)
    )
    conn.execute(
        "INSERT INTO network_attachments (container_id, network, position, address, mac, "
        "aliases) VALUES (?, 'front', 0, '10.89.0.2', '', '[]')",
        (ID_2,),
    )
    conn.commit()
    assert store.delete(ID_1) is False
    assert store.delete(ID_2) is True
    assert conn.execute("SELECT COUNT(*) FROM network_attachments").fetchone()[0] == 0


def test_dirs_live_under_the_containers_dir(store: ContainerStore, tmp_path: Path) -> None:
    dirs = store.dirs(ID_1)
    root = tmp_path / "data" / "storage" / "containers" / ID_1
    assert dirs.root == root
    assert (dirs.upper, dirs.work, dirs.merged, dirs.userdata) == (
        root / "upper",
        root / "work",
        root / "merged",
        root / "userdata",
    )

"""The API service's kept database connections (store/dbpool.py): a connection
given back serves the next taker, in another thread too, and still sees what
other connections (other processes) commit; one that cannot be trusted to is
not kept."""

from __future__ import annotations

import threading
from pathlib import Path

from hutch.store import db
from hutch.store.dbpool import KEEP, ConnectionPool


def _names(conn: object) -> list[str]:
    import sqlite3

    assert isinstance(conn, sqlite3.Connection)
    return [row[0] for row in conn.execute("SELECT name FROM volumes ORDER BY name")]


def _add_volume(path: Path, name: str) -> None:
    """What another process does: its own connection, its own commit."""
    other = db.connect(path)
    with db.transaction(other):
        other.execute(
            "INSERT INTO volumes (name, driver, created, labels, options, anonymous, "
            "needs_copy_up) VALUES (?, 'local', 0, '{}', '{}', 0, 0)",
            (name,),
        )
    other.close()


def test_a_connection_given_back_serves_the_next_taker_in_another_thread(
    tmp_path: Path,
) -> None:
    pool = ConnectionPool(tmp_path / "db.sqlite")
    first = pool.take()
    pool.give_back(first)
    seen: list[object] = []

    def other_thread() -> None:
        conn = pool.take()
        seen.append(conn)
        _names(conn)  # usable here: not bound to the thread that opened it
        pool.give_back(conn)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen == [first]
    pool.close()


def test_a_kept_connection_sees_what_another_process_commits(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    pool = ConnectionPool(path)
    conn = pool.take()
    assert _names(conn) == []
    pool.give_back(conn)
    _add_volume(path, "fromothers")
    again = pool.take()
    assert again is conn and _names(again) == ["fromothers"]
    pool.give_back(again)
    pool.close()


def test_a_replaced_database_file_is_opened_anew(tmp_path: Path) -> None:
    """``system reset`` by another process removes the file; a new store follows."""
    path = tmp_path / "db.sqlite"
    pool = ConnectionPool(path)
    old = pool.take()
    _names(old)
    pool.give_back(old)
    for leftover in tmp_path.iterdir():
        leftover.unlink()
    _add_volume(path, "afterreset")
    conn = pool.take()
    assert conn is not old and _names(conn) == ["afterreset"]
    pool.give_back(conn)
    pool.close()


def test_a_connection_in_a_transaction_or_beyond_the_limit_is_closed(tmp_path: Path) -> None:
    pool = ConnectionPool(tmp_path / "db.sqlite")
    busy = pool.take()
    busy.execute("BEGIN")
    pool.give_back(busy)
    assert pool.take() is not busy
    many = [pool.take() for _ in range(KEEP + 2)]
    for conn in many:
        pool.give_back(conn)
    kept = [pool.take() for _ in range(KEEP + 2)]
    assert len({id(c) for c in kept} & {id(c) for c in many}) == KEEP
    pool.close()

"""The state database: creation, migration idempotence, transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hutch.store import db


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


def test_rows_are_addressable_by_column_name(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "h.db")
    row = conn.execute("SELECT 1 AS one").fetchone()
    assert isinstance(row, sqlite3.Row) and row["one"] == 1
    conn.close()

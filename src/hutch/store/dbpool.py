"""Database connections kept between the API service's requests.

The service builds an engine for each request (each client connection runs in a
thread of its own, and an engine is not shared between threads); opening the database
was a tenth of a ``docker ps``. A connection given back is kept for the next
engine, in whichever thread, one thread at a time (SQLite's serialized mode
allows that; ``check_same_thread`` is off for these connections only).

Nothing else is kept, so every request still sees what other processes
wrote: the engine, its services and their caches (registry clients with
credentials, registries.conf) are built anew for each request, and a
SQLite connection outside a transaction reads the latest commit at each
statement. A connection is not kept when it is inside a transaction, when it
was opened read-only on a full disk, or once the database file was replaced
(``system reset`` by another process): the next engine opens the new file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

# hutch.store.db (and sqlite3) load with the first connection: the service makes its
# pool at start, and /_ping and /version answer without the database.

KEEP = 4  # idle connections kept at most (more at once are closed when given back)

_Identity = tuple[int, int]  # (st_dev, st_ino) of the file a connection opened


def _identity(path: Path) -> _Identity | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


class ConnectionPool:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._idle: list[tuple[sqlite3.Connection, _Identity]] = []
        # the file each connection handed out opened (None: never to be kept)
        self._opened: dict[int, _Identity | None] = {}

    def take(self) -> sqlite3.Connection:
        """A kept connection to the database file as it is now, or a new one."""
        from hutch.store import db

        current = _identity(self._path)
        while True:
            with self._lock:
                if not self._idle:
                    break
                conn, identity = self._idle.pop()
            if identity == current and not db.full(self._path.parent):
                with self._lock:
                    self._opened[id(conn)] = identity
                return conn
            conn.close()  # replaced or removed file; a full disk opens as connect says
        return self._open()

    def _open(self) -> sqlite3.Connection:
        from hutch.store import db

        # not each take's (a service request's): only a connection to open needs it
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # a full disk opens read-only and immutable: never kept (it would not see changes)
        full = db.full(self._path.parent)
        before = _identity(self._path)
        conn = db.connect(self._path, shared=True)
        after = _identity(self._path)
        # replaced while it opened (before is not after): which file it has is unsure
        identity = None if full or before not in (None, after) else after
        with self._lock:
            self._opened[id(conn)] = identity
        return conn

    def give_back(self, conn: sqlite3.Connection) -> None:
        """The engine that took ``conn`` is done with it."""
        with self._lock:
            identity = self._opened.pop(id(conn), None)
            keep = identity is not None and not conn.in_transaction and len(self._idle) < KEEP
            if keep and identity is not None:
                self._idle.append((conn, identity))
        if not keep:
            conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()

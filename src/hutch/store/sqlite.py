"""The parts of ``sqlite3`` the store uses, from its C module.

``import sqlite3`` runs the package's Python half, ``sqlite3.dbapi2``: it imports
``datetime`` and registers adapters and converters for dates, which hutch never
stores (its times are numbers and RFC 3339 text). Every command that opens the
store paid for it: 4.9 million instructions, about 2 % of a ``create`` (callgrind,
CPython 3.11). The objects below are the very ones ``sqlite3`` re-exports from
``_sqlite3`` (CPython 3.10 to 3.13 build ``connect`` there too; the package
itself cannot load without that module, nor can PyPy's). Modules use it as
``from hutch.store import sqlite as sqlite3``, so their code reads as before.
"""

from __future__ import annotations

from _sqlite3 import Connection, DatabaseError, IntegrityError, OperationalError, Row, connect

__all__ = ["Connection", "DatabaseError", "IntegrityError", "OperationalError", "Row", "connect"]

"""What a stored plain layer compressed to on a push: podman's blob-info cache.

Built and committed layers are stored as plain tars, and a push sends them
gzipped (``engine/pushconvert.py``). Compressing a layer again on every push
is the cost podman's blob-info cache avoids; here one row per (diff id,
algorithm, level) says which digest and size that compression gave. A second
push asks the registry for that digest (HEAD) and, when it is there, neither
compresses nor uploads the layer. The compression is reproducible (gzip with
no name and time 0, a fixed level), so a registry that lacks the blob gets the
same bytes made again.

Only the mapping is kept, not the compressed blob: keeping it would double the
disk a layer takes for what a HEAD request saves. A row is written in its own
transaction after the compressed file is complete (an interrupted push leaves
either no row or a true one); two pushes writing the same row write the same
values. Rows go with their layer (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hutch.store.db import transaction


@dataclass(frozen=True)
class CompressedBlob:
    digest: str
    size: int


class CompressedBlobs:
    """The ``compressed_blobs`` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, diff_id: str, algorithm: str, level: int) -> CompressedBlob | None:
        row = self._conn.execute(
            "SELECT digest, size FROM compressed_blobs"
            " WHERE diff_id = ? AND algorithm = ? AND level = ?",
            (diff_id, algorithm, level),
        ).fetchone()
        return None if row is None else CompressedBlob(str(row[0]), int(row[1]))

    def put(self, diff_id: str, algorithm: str, level: int, blob: CompressedBlob) -> None:
        """Record what ``diff_id`` compressed to; nothing when the layer is not
        stored (any more: a concurrent ``rmi``): the record would name nothing."""
        try:
            with transaction(self._conn) as c:
                c.execute(
                    "INSERT OR REPLACE INTO compressed_blobs VALUES (?, ?, ?, ?, ?)",
                    (diff_id, algorithm, level, blob.digest, blob.size),
                )
        except sqlite3.IntegrityError:
            pass  # the layer's row is gone: a cache of it would be dropped with it anyway

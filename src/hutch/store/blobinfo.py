"""What a stored plain layer compressed to on a push: podman's blob-info cache.

Built and committed layers are stored as plain tars, and a push sends them
gzipped (``engine/pushconvert.py``). Compressing a layer again on every push
is the cost podman's blob-info cache avoids; here one row per (diff id,
algorithm, level) says which digest and size that compression gave, and
another which repositories it was pushed to. A second push asks the registry
for that digest (HEAD), or mounts it from one of those repositories of the same
registry, and then neither compresses nor uploads the layer. The compression
is reproducible (gzip with no name and time 0, a fixed level and fixed
blocks: ``store/compression.GzipReader``), so a registry that lacks the blob
gets the same bytes made again.

Only the mapping is kept, not the compressed blob: keeping it would add some
0.3 of the tar to every pushed layer's disk for what a HEAD request saves
(docs/architecture.md has the measure). A mapping is written in its own
transaction, and a location too, after the manifest naming the blob was
accepted (a push that fails or is interrupted leaves no row); two pushes
writing the same row write the same values. Rows go with their layer
(``ON DELETE CASCADE``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.store import sqlite as sqlite3
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

    def locations(self, digest: str, registry: str) -> list[str]:
        """The repositories of ``registry`` a compressed blob was pushed to."""
        rows = self._conn.execute(
            "SELECT repository FROM compressed_blob_locations"
            " WHERE digest = ? AND registry = ? ORDER BY repository",
            (digest, registry),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def note_locations(self, made: dict[str, str], registry: str, repository: str) -> None:
        """After a push: the compressed blobs in ``made`` (digest → diff id) are in
        ``registry``/``repository`` now, where a later push may mount them from."""
        if not made:
            return
        rows = [(diff_id, digest, registry, repository) for digest, diff_id in made.items()]
        try:
            with transaction(self._conn) as c:
                c.executemany(
                    "INSERT OR IGNORE INTO compressed_blob_locations VALUES (?, ?, ?, ?)", rows
                )
        except sqlite3.IntegrityError:
            pass  # a layer was removed meanwhile: its records went with it

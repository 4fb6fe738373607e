"""Rows a store test stands on: an image record for containers to reference.

A container may only be created on an image the database holds
(``ContainerStore.create`` checks it in its transaction), so store tests
record a bare image (no layers) first. Import as ``unit.storerows``.
"""

from __future__ import annotations

import sqlite3

from hutch.store.images import ImageStore


def image_row(conn: sqlite3.Connection, *image_ids: str) -> None:
    """Record an empty image for each id."""
    for image_id in image_ids:
        ImageStore(conn).add(image_id, b"{}", b"{}", "sha256:" + "0" * 64, [], [])

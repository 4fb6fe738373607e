"""The build cache: which image a step made from which inputs.

A step's key is a digest over everything that decides its result: the
parent image, the instruction text after substitution, the build args it can
see (RUN only: they are in its environment; any other instruction sees an
argument only through the substituted text), and for COPY/ADD a digest of
the content and metadata of its sources. The index lives in the state
database (table ``build_cache``); a removed image takes its entries with it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction
from hutch.util.sha256 import hexdigest


def step_key(
    parent: str,
    text: str,
    args: Mapping[str, str] | None = None,
    sources: str | None = None,
) -> str:
    """The cache key of one step (hex sha256); equal inputs give equal keys."""
    document = {
        "parent": parent,
        "text": text,
        "args": sorted((args or {}).items()),
        "sources": sources,
    }
    raw = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return hexdigest(raw)


class CacheIndex:
    def __init__(self, conn: sqlite3.Connection, ttl: float | None = None) -> None:
        self._conn = conn
        self._ttl = ttl  # build --cache-ttl: older entries are not used (nor removed)

    def lookup(self, key: str) -> str | None:
        oldest = time.time() - self._ttl if self._ttl is not None else float("-inf")
        row = self._conn.execute(
            "SELECT image_id FROM build_cache WHERE key = ? AND created >= ?", (key, oldest)
        ).fetchone()
        return str(row[0]) if row else None

    def record(self, key: str, image_id: str) -> None:
        with transaction(self._conn) as c:
            c.execute(
                "INSERT OR REPLACE INTO build_cache (key, image_id, created) VALUES (?, ?, ?)",
                (key, image_id, time.time()),
            )


def cache_repository(text: str, flag: str) -> str:
    """``--cache-from``/``--cache-to``'s repository, checked and normalised
    (``registry/path``): a tag or a digest is refused, as the step keys are the tags."""
    from hutch.api.errors import InvalidArgument
    from hutch.oci.reference import parse_reference

    ref = parse_reference(text, default_tag=None)
    if ref.tag is not None or ref.digest is not None:
        raise InvalidArgument(
            f"{flag} {text}: give a repository without a tag or digest "
            "(each step's cache key is its tag)"
        )
    return f"{ref.registry}/{ref.repository}"


def cache_reference(repository: str, key: str) -> str:
    """Where a step's image is pushed to and pulled from: the repository,
    tagged with the step's key (64 hex digits: a valid tag)."""
    return f"{repository}:{key}"

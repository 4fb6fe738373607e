"""Pod records: a row of ``pods`` (id, name, created, infra id, config blob).

The config blob is the engine's (``engine/pod_record.py`` encodes it); the
members are the containers whose ``pod_id`` names the pod. Pod and
container names share one namespace, as in podman.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hutch.api.errors import Conflict, NoSuchObject
from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction


@dataclass(frozen=True)
class PodRecord:
    id: str
    name: str
    created: float
    infra_id: str  # "" until the infra exists, or for a pod without one
    config: bytes


class PodStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def create(self, pod_id: str, name: str, config: bytes) -> PodRecord:
        try:
            with transaction(self._conn) as c:
                if c.execute("SELECT 1 FROM containers WHERE name = ?", (name,)).fetchone():
                    raise Conflict(
                        f'adding pod to state: name "{name}" is in use: container already exists'
                    )
                c.execute(
                    "INSERT INTO pods (id, name, created, infra_id, config) "
                    "VALUES (?, ?, ?, '', ?)",
                    (pod_id, name, time.time(), config),
                )
        except sqlite3.IntegrityError as exc:
            # podman 4.3.1's words (scripts match them)
            raise Conflict(
                f'adding pod to state: name "{name}" is in use: pod already exists'
            ) from exc
        record = self.get(pod_id)
        assert record is not None
        return record

    def get(self, pod_id: str) -> PodRecord | None:
        row = self._conn.execute("SELECT * FROM pods WHERE id = ?", (pod_id,)).fetchone()
        return _record(row) if row else None

    def lookup(self, name_or_id: str) -> list[PodRecord]:
        """Exact name, exact id, or an unambiguous id prefix (as podman)."""
        rows = self._conn.execute(
            "SELECT * FROM pods WHERE name = ? OR id = ?", (name_or_id, name_or_id)
        ).fetchall()
        if not rows and name_or_id:
            rows = self._conn.execute(
                "SELECT * FROM pods WHERE id >= ? AND id < ? LIMIT 2",
                (name_or_id, name_or_id + "g"),
            ).fetchall()
        return [_record(r) for r in rows]

    def find(self, name_or_id: str) -> PodRecord:
        found = self.lookup(name_or_id)
        if len(found) > 1:
            raise Conflict(f"more than one pod matches {name_or_id!r}: use more of the id")
        if not found:
            raise NoSuchObject(f"no pod with name or ID {name_or_id} found: no such pod")
        return found[0]

    def all(self) -> list[PodRecord]:
        rows = self._conn.execute("SELECT * FROM pods ORDER BY created DESC").fetchall()
        return [_record(r) for r in rows]

    def set_infra(self, pod_id: str, infra_id: str) -> None:
        with transaction(self._conn) as c:
            c.execute("UPDATE pods SET infra_id = ? WHERE id = ?", (infra_id, pod_id))

    def forget_infra(self, container_id: str) -> None:
        """The container removed was a pod's infra: the pod has none any more."""
        if container_id not in self.infra_ids():  # a read: no write lock for most containers
            return
        with transaction(self._conn) as c:
            c.execute("UPDATE pods SET infra_id = '' WHERE infra_id = ?", (container_id,))

    def infra_ids(self) -> set[str]:
        rows = self._conn.execute("SELECT infra_id FROM pods WHERE infra_id != ''").fetchall()
        return {r[0] for r in rows}

    def delete(self, pod_id: str) -> None:
        """Delete the pod; its containers must be gone (the reference refuses otherwise)."""
        try:
            with transaction(self._conn) as c:
                c.execute("DELETE FROM pods WHERE id = ?", (pod_id,))
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"pod {pod_id} still has containers") from exc


def _record(row: sqlite3.Row) -> PodRecord:
    return PodRecord(row["id"], row["name"], row["created"], row["infra_id"], row["config"])

"""Container records and their directories (upper, work, merged, userdata)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import Conflict, NoSuchObject
from hutch.config.paths import Paths
from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction


@dataclass(frozen=True)
class ContainerRecord:
    id: str
    name: str
    image_id: str
    image_name: str
    created: float
    # The configuration, as engine/container_record.py encodes it; what the
    # container is doing lives in its monitor's state.json (runtime/state.py).
    config: bytes
    pod_id: str = ""  # the pod it belongs to ("" for none; store/pods.py)


@dataclass(frozen=True)
class ContainerDirs:
    root: Path

    @property
    def upper(self) -> Path:
        return self.root / "upper"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def merged(self) -> Path:
        return self.root / "merged"

    @property
    def userdata(self) -> Path:
        return self.root / "userdata"

    # podman's names: the monitor's pid (conmon's) and the init's, unless --pidfile
    @property
    def conmon_pidfile(self) -> Path:
        return self.userdata / "conmon.pid"

    @property
    def pidfile(self) -> Path:
        return self.userdata / "pidfile"


class ContainerStore:
    def __init__(self, conn: sqlite3.Connection, paths: Paths) -> None:
        self._conn = conn
        self._paths = paths

    def dirs(self, container_id: str) -> ContainerDirs:
        return ContainerDirs(self._paths.containers / container_id)

    def create(
        self,
        container_id: str,
        name: str,
        image_id: str,
        image_name: str,
        config: bytes,
        pod_id: str = "",
        *,
        durable: bool = True,
    ) -> ContainerRecord:
        """Insert a new container's record; ``durable`` False: a later durable commit
        (its config) syncs it, or it need not survive a power loss (``--rm``)."""
        try:
            with transaction(self._conn, durable=durable) as c:
                # In the transaction that inserts: rmi checks for users and
                # deletes the image in one too, so one of the two loses cleanly.
                # (No image id: a --rootfs container, on a directory of its own.)
                if (
                    image_id
                    and c.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone()
                    is None
                ):
                    raise NoSuchObject(
                        f"{image_name}: the image was removed while the container was created"
                    )
                # So does `pod rm` with its pod (the reference refuses it too).
                if (
                    pod_id
                    and c.execute("SELECT 1 FROM pods WHERE id = ?", (pod_id,)).fetchone() is None
                ):
                    raise NoSuchObject(
                        f"the pod {pod_id[:12]} was removed while the container was created"
                    )
                if c.execute("SELECT 1 FROM pods WHERE name = ?", (name,)).fetchone() is not None:
                    raise Conflict(f'name "{name}" is in use: pod already exists')
                c.execute(
                    "INSERT INTO containers "
                    "(id, name, image_id, image_name, created, config, pod_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (container_id, name, image_id, image_name, time.time(), config, pod_id or None),
                )
        except sqlite3.IntegrityError as exc:
            holder = self._conn.execute(
                "SELECT id FROM containers WHERE name = ?", (name,)
            ).fetchone()
            # podman 4.3.1's words (scripts match them), with the holder's id
            raise Conflict(
                f'creating container storage: the container name "{name}" is already in use '
                f"by {holder[0] if holder else 'another container'}. You have to remove that "
                "container to be able to reuse that name: that name is already in use"
            ) from exc
        record = self.get(container_id)
        assert record is not None
        return record

    def get(self, container_id: str) -> ContainerRecord | None:
        row = self._conn.execute(
            "SELECT * FROM containers WHERE id = ?", (container_id,)
        ).fetchone()
        return _record(row) if row else None

    def lookup(self, name_or_id: str) -> list[ContainerRecord]:
        """Exact name, exact id, or an unambiguous id prefix (as podman)."""
        rows = self._conn.execute(
            "SELECT * FROM containers WHERE name = ? OR id = ?", (name_or_id, name_or_id)
        ).fetchall()
        if not rows and len(name_or_id) >= 1:
            rows = self._conn.execute(
                "SELECT * FROM containers WHERE id >= ? AND id < ? LIMIT 2",
                (name_or_id, name_or_id + "g"),
            ).fetchall()
        return [_record(r) for r in rows]

    def all(self) -> list[ContainerRecord]:
        rows = self._conn.execute("SELECT * FROM containers ORDER BY created DESC").fetchall()
        return [_record(r) for r in rows]

    def users_of_image(self, image_id: str) -> list[ContainerRecord]:
        rows = self._conn.execute(
            "SELECT * FROM containers WHERE image_id = ?", (image_id,)
        ).fetchall()
        return [_record(r) for r in rows]

    def of_pod(self, pod_id: str) -> list[ContainerRecord]:
        rows = self._conn.execute(
            "SELECT * FROM containers WHERE pod_id = ? ORDER BY created", (pod_id,)
        ).fetchall()
        return [_record(r) for r in rows]

    def set_config(self, container_id: str, config: bytes, *, durable: bool = True) -> None:
        with transaction(self._conn, durable=durable) as c:
            c.execute("UPDATE containers SET config = ? WHERE id = ?", (config, container_id))

    def rename(self, container_id: str, name: str) -> None:
        try:
            with transaction(self._conn) as c:
                c.execute("UPDATE containers SET name = ? WHERE id = ?", (name, container_id))
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"the container name {name!r} is already in use") from exc

    def mounts_volumes(self, container_id: str) -> bool:
        """Whether any volume is linked to the container (store/volumes.py's
        ``container_volumes``): asked here, so that removing a container with none
        loads neither the volume store nor the volume code."""
        row = self._conn.execute(
            "SELECT 1 FROM container_volumes WHERE container_id = ? LIMIT 1", (container_id,)
        ).fetchone()
        return row is not None

    def delete(self, container_id: str) -> bool:
        """Drop the record (its network attachments cascade); whether it had any, so
        that ``rm`` of a container on no user network leaves the names served alone."""
        with transaction(self._conn) as c:
            attached = c.execute(
                "SELECT 1 FROM network_attachments WHERE container_id = ? LIMIT 1",
                (container_id,),
            ).fetchone()
            c.execute("DELETE FROM containers WHERE id = ?", (container_id,))
        return attached is not None


def _record(row: sqlite3.Row) -> ContainerRecord:
    return ContainerRecord(
        row["id"],
        row["name"],
        row["image_id"],
        row["image_name"],
        row["created"],
        row["config"],
        row["pod_id"] or "",
    )

"""Volume records and their directories: ``storage/volumes/<name>/_data``.

A record says how the volume was made (driver, labels, ``--opt`` values),
whether it is anonymous (made for one container, removed with it by
``rm -v``/``--rm``) and whether it still waits for its first copy-up.
``container_volumes`` links each container to the volumes it mounts.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import Conflict
from hutch.config.paths import Paths
from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction


@dataclass(frozen=True)
class VolumeRecord:
    name: str
    driver: str
    created: float
    labels: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, str], ...]
    anonymous: bool
    needs_copy_up: bool
    needs_chown: bool = False  # podman's NeedsChown: until the first mount


class VolumeStore:
    def __init__(self, conn: sqlite3.Connection, paths: Paths) -> None:
        self._conn = conn
        self.root = paths.storage / "volumes"

    def directory(self, name: str) -> Path:
        return self.root / name

    def data_dir(self, name: str) -> Path:
        return self.root / name / "_data"

    def create(
        self,
        name: str,
        *,
        driver: str = "local",
        labels: tuple[tuple[str, str], ...] = (),
        options: tuple[tuple[str, str], ...] = (),
        anonymous: bool = False,
        needs_chown: bool = False,
    ) -> VolumeRecord:
        """Insert the record and make its directory (the record first: names are unique)."""
        try:
            with transaction(self._conn) as c:
                c.execute(
                    "INSERT INTO volumes (name, driver, created, labels, options, anonymous, "
                    "needs_copy_up, needs_chown) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                    (
                        name,
                        driver,
                        time.time(),
                        json.dumps(list(labels)),
                        json.dumps(list(options)),
                        int(anonymous),
                        int(needs_chown),
                    ),
                )
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                f"volume with name {name} already exists: volume already exists"
            ) from exc
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.directory(name).mkdir(mode=0o700, exist_ok=True)
        self.data_dir(name).mkdir(mode=0o755, exist_ok=True)
        record = self.get(name)
        assert record is not None
        return record

    def get(self, name: str) -> VolumeRecord | None:
        row = self._conn.execute("SELECT * FROM volumes WHERE name = ?", (name,)).fetchone()
        return _record(row) if row else None

    def all(self) -> list[VolumeRecord]:
        rows = self._conn.execute("SELECT * FROM volumes ORDER BY created").fetchall()
        return [_record(r) for r in rows]

    def users(self, name: str) -> tuple[str, ...]:
        rows = self._conn.execute(
            "SELECT DISTINCT container_id FROM container_volumes WHERE volume = ?", (name,)
        ).fetchall()
        return tuple(r["container_id"] for r in rows)

    def volumes_of(self, container_id: str) -> tuple[str, ...]:
        rows = self._conn.execute(
            "SELECT DISTINCT volume FROM container_volumes WHERE container_id = ?",
            (container_id,),
        ).fetchall()
        return tuple(r["volume"] for r in rows)

    def link(self, container_id: str, links: list[tuple[str, str]]) -> None:
        """Record that the container mounts each (volume, destination)."""
        with transaction(self._conn) as c:
            c.executemany(
                "INSERT OR REPLACE INTO container_volumes (container_id, volume, destination) "
                "VALUES (?, ?, ?)",
                [(container_id, volume, dest) for volume, dest in links],
            )

    def copied_up(self, name: str) -> None:
        """The first mount happened: copy-up and the owner's change are done."""
        with transaction(self._conn) as c:
            c.execute(
                "UPDATE volumes SET needs_copy_up = 0, needs_chown = 0 WHERE name = ?", (name,)
            )

    def first_mounted(self, name: str, *, copied: bool, chowned: bool = True) -> None:
        """A container started with the volume: the owner's change is done, and the
        copy-up too when it copied something (podman keeps NeedsCopyUp until then);
        without ``chowned`` (a copy-up at create) only the copy-up counts."""
        done = (["needs_chown = 0"] if chowned else []) + (["needs_copy_up = 0"] if copied else [])
        if not done:
            return
        sql = "UPDATE volumes SET " + ", ".join(done)
        with transaction(self._conn) as c:
            c.execute(sql + " WHERE name = ?", (name,))

    def held(self, name: str) -> int:
        """How many ``volume mount``s of the volume are not undone yet (MountCount's
        share that no container holds): a count in a file beside its _data, so that
        no table changes for it."""
        try:
            return int((self.directory(name) / _HELD).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return 0

    def hold(self, name: str, change: int) -> int:
        """Add ``change`` to held(); never below 0 (podman's unmount of a volume with
        no mount is no error). Answers the new count."""
        count = max(0, self.held(name) + change)
        path = self.directory(name) / _HELD
        if count:
            path.write_text(str(count), encoding="ascii")
        else:
            path.unlink(missing_ok=True)
        return count

    def owner(self, name: str) -> tuple[int | None, int | None]:
        """The uid and gid ``volume create --uid/--gid`` gave (None: not given): in a
        file beside _data, as held(), so that no table changes for them."""
        try:
            text = (self.directory(name) / _OWNER).read_text(encoding="ascii")
        except OSError:
            return None, None
        uid, _, gid = text.strip().partition(":")
        return (int(uid) if uid else None), (int(gid) if gid else None)

    def set_owner(self, name: str, uid: int | None, gid: int | None) -> None:
        text = f"{'' if uid is None else uid}:{'' if gid is None else gid}"
        (self.directory(name) / _OWNER).write_text(text, encoding="ascii")

    def delete(self, name: str) -> None:
        """Drop the record (refused by the database while a container links it)."""
        try:
            with transaction(self._conn) as c:
                c.execute("DELETE FROM volumes WHERE name = ?", (name,))
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"volume {name} is being used by a container") from exc


# beside _data in a volume's directory: the count of its volume mounts (VolumeStore.held)
_HELD = "mount-count"
# the owner --uid/--gid chose ("UID:GID", either empty when not given; VolumeStore.owner)
_OWNER = "owner"


def _record(row: sqlite3.Row) -> VolumeRecord:
    return VolumeRecord(
        row["name"],
        row["driver"],
        row["created"],
        tuple((k, v) for k, v in json.loads(row["labels"])),
        tuple((k, v) for k, v in json.loads(row["options"])),
        bool(row["anonymous"]),
        bool(row["needs_copy_up"]),
        bool(row["needs_chown"]),
    )

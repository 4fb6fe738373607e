"""Image records: config, manifest, names and the layers they stand on."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from hutch.api.errors import Conflict, ImageInUse, NoSuchObject
from hutch.linux import procfs
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of
from hutch.oci.image import ImageConfig
from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction
from hutch.store.layers import LayerInfo


@dataclass(frozen=True)
class ImageRecord:
    id: str  # hex of the config digest
    config_raw: bytes
    manifest_raw: bytes
    digest: str  # manifest digest
    created: float
    size: int
    names: tuple[str, ...]
    diff_ids: tuple[str, ...]
    # every name it has had, latest first (podman's NamesHistory): kept when a name goes
    names_history: tuple[str, ...] = ()

    @property
    def config(self) -> ImageConfig:
        return ImageConfig.from_bytes(self.config_raw)

    @property
    def is_list(self) -> bool:
        """A manifest list (``add_list``): its manifest is an image index."""
        if b"manifests" not in self.manifest_raw:
            return False  # the cheap answer for every image's manifest
        try:
            doc = json.loads(self.manifest_raw)
        except ValueError:
            return False
        return isinstance(doc, dict) and doc.get("mediaType") in mt.INDEX_TYPES


# A list has no config: its row holds an empty JSON object, so that the listing's
# readers of created time and labels find nothing rather than fail.
LIST_CONFIG = b"{}"

# Edits a list: (index, sources) -> (index, sources), run inside the write transaction.
ListEdit = Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]


def image_size(layers: Sequence[LayerInfo], config_raw: bytes, manifest_raw: bytes) -> int:
    """An image's ``Size`` as podman's storage counts it: each layer's uncompressed tar
    plus the image's own data, where the manifest is kept twice (under its digest and
    as the default manifest), so that the same image shows the same size in both tools."""
    return sum(layer.size for layer in layers) + len(config_raw) + 2 * len(manifest_raw)


class ImageStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(
        self,
        image_id: str,
        config_raw: bytes,
        manifest_raw: bytes,
        digest: str,
        layers: Sequence[LayerInfo],
        names: Sequence[str],
    ) -> ImageRecord:
        """Record an image (idempotent) and point ``names`` at it."""
        created = time.time()
        with transaction(self._conn) as c:
            for layer in layers:
                c.execute(
                    "INSERT OR IGNORE INTO layers VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        layer.diff_id,
                        layer.blob_digest,
                        layer.media_type,
                        layer.blob_size,
                        layer.size,
                        created,
                    ),
                )
            exists = c.execute("SELECT digest FROM images WHERE id = ?", (image_id,)).fetchone()
            if exists and exists[0] != digest:
                # the same image through another manifest: kept beside the first
                c.execute(
                    "INSERT OR IGNORE INTO image_digests VALUES (?, ?, ?)",
                    (image_id, digest, manifest_raw),
                )
            if not exists:
                c.execute(
                    "INSERT INTO images (id, config, manifest, digest, created, size) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        image_id,
                        config_raw,
                        manifest_raw,
                        digest,
                        created,
                        image_size(layers, config_raw, manifest_raw),
                    ),
                )
                c.executemany(
                    "INSERT INTO image_layers VALUES (?, ?, ?)",
                    [(image_id, i, layer.diff_id) for i, layer in enumerate(layers)],
                )
            for name in names:
                c.execute(
                    "INSERT OR REPLACE INTO image_names VALUES (?, ?, ?)", (name, image_id, created)
                )
            if names:
                _note_names(c, image_id)
        record = self.get(image_id)
        assert record is not None
        return record

    def set_manifest(self, image_id: str, manifest_raw: bytes, digest: str) -> ImageRecord:
        """Give a stored image another manifest for the same config and layers."""
        with transaction(self._conn) as c:
            c.execute(
                "UPDATE images SET manifest = ?, digest = ? WHERE id = ?",
                (manifest_raw, digest, image_id),
            )
        record = self.get(image_id)
        assert record is not None
        return record

    def add_list(
        self, list_id: str, index_raw: bytes, digest: str, name: str, sources: Mapping[str, str]
    ) -> ImageRecord:
        """Record a new manifest list under ``name`` (a name in use is refused, as podman does)."""
        with transaction(self._conn) as c:
            owner = c.execute("SELECT image_id FROM image_names WHERE name = ?", (name,)).fetchone()
            if owner is not None:
                raise Conflict(
                    f'creating image to hold manifest list: image name "{name}" is already '
                    f'associated with image "{owner[0]}": that name is already in use'
                )
            now = time.time()
            c.execute(
                "INSERT INTO images (id, config, manifest, digest, created, size) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (list_id, LIST_CONFIG, index_raw, digest, now, len(index_raw)),
            )
            c.execute(
                "INSERT INTO manifest_lists VALUES (?, ?)", (list_id, json.dumps(dict(sources)))
            )
            c.execute("INSERT INTO image_names VALUES (?, ?, ?)", (name, list_id, now))
            _note_names(c, list_id)
        record = self.get(list_id)
        assert record is not None
        return record

    def edit_list(self, list_id: str, edit: ListEdit) -> ImageRecord:
        """Change a list: read, ``edit`` and write in one write transaction, so that two
        commands editing the same list never lose each other's entries."""
        with transaction(self._conn) as c:
            row = c.execute(
                "SELECT images.manifest, manifest_lists.sources FROM images JOIN manifest_lists "
                "ON manifest_lists.image_id = images.id WHERE images.id = ?",
                (list_id,),
            ).fetchone()
            if row is None:
                raise NoSuchObject(f"{list_id}: image not known")
            index_raw, sources = edit(row[0], json.loads(row[1]))
            c.execute(
                "UPDATE images SET manifest = ?, digest = ?, size = ? WHERE id = ?",
                (index_raw, str(sha256_of(index_raw)), len(index_raw), list_id),
            )
            c.execute(
                "UPDATE manifest_lists SET sources = ? WHERE image_id = ?",
                (json.dumps(sources), list_id),
            )
        record = self.get(list_id)
        assert record is not None
        return record

    def list_sources(self, list_id: str) -> dict[str, str]:
        """Where each entry of a list was added from: digest -> registry reference."""
        row = self._conn.execute(
            "SELECT sources FROM manifest_lists WHERE image_id = ?", (list_id,)
        ).fetchone()
        return {} if row is None else dict(json.loads(row[0]))

    def get(self, image_id: str) -> ImageRecord | None:
        row = self._conn.execute("SELECT * FROM images WHERE id = ?", (image_id,)).fetchone()
        return self._record(row) if row else None

    def by_name(self, name: str) -> ImageRecord | None:
        row = self._conn.execute(
            "SELECT images.* FROM images JOIN image_names ON images.id = image_names.image_id "
            "WHERE image_names.name = ?",
            (name,),
        ).fetchone()
        return self._record(row) if row else None

    def by_digest(self, digest: str) -> ImageRecord | None:
        """The image whose manifest has this digest (a manifest list's entry), seen
        through that manifest when it is one of its others (``digests``)."""
        row = self._conn.execute(
            "SELECT * FROM images WHERE digest = ? ORDER BY created LIMIT 1", (digest,)
        ).fetchone()
        if row:
            return self._record(row)
        other = self._conn.execute(
            "SELECT image_id, manifest FROM image_digests WHERE digest = ? LIMIT 1", (digest,)
        ).fetchone()
        record = self.get(other[0]) if other else None
        if record is None:
            return None
        return replace(record, manifest_raw=other[1], digest=digest)

    def digests(self, image_id: str) -> tuple[str, ...]:
        """Every manifest digest the image is known by: its own, then the others in
        the order they came."""
        own = self._conn.execute("SELECT digest FROM images WHERE id = ?", (image_id,)).fetchone()
        if own is None:
            return ()
        others = self._conn.execute(
            "SELECT digest FROM image_digests WHERE image_id = ? ORDER BY rowid", (image_id,)
        ).fetchall()
        return tuple(dict.fromkeys([own[0], *(r[0] for r in others)]))

    def by_id_prefix(self, prefix: str) -> list[ImageRecord]:
        rows = self._conn.execute(
            "SELECT * FROM images WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "g")
        ).fetchall()
        return [self._record(r) for r in rows]

    def all(self) -> list[ImageRecord]:
        rows = self._conn.execute("SELECT * FROM images ORDER BY created DESC").fetchall()
        names = self._all_names()
        layers = self._all_layers()
        return [self._record(r, names.get(r["id"], ()), layers.get(r["id"], ())) for r in rows]

    def tag(self, name: str, image_id: str) -> None:
        """Point ``name`` at the image (moving it from any other image)."""
        with transaction(self._conn) as c:
            c.execute(
                "INSERT OR REPLACE INTO image_names VALUES (?, ?, ?)", (name, image_id, time.time())
            )
            _note_names(c, image_id)

    def untag(self, name: str) -> bool:
        with transaction(self._conn) as c:
            row = c.execute("SELECT image_id FROM image_names WHERE name = ?", (name,)).fetchone()
            if row is None:
                return False
            c.execute("DELETE FROM image_names WHERE name = ?", (name,))
            _note_names(c, row[0])
            return True

    def remove(self, image_id: str) -> list[tuple[str, str]]:
        """Delete the image; return (diff_id, blob_digest) of layers no image uses now.

        Refused (``ImageInUse``) when a container stands on the image or a live
        build holds a lease on it: checked in the same write transaction as
        the delete, and ``ContainerStore.create`` and ``lease`` check that the
        image exists in theirs, so no container or build can slip in between.
        The caller holds the layer lock and deletes the returned layers' files
        before releasing it."""
        with transaction(self._conn) as c:
            # its rootfs, else a --mount type=image (podman refuses both alike)
            user = c.execute(
                "SELECT id FROM containers WHERE image_id = ? UNION ALL "
                "SELECT container_id FROM container_images WHERE image_id = ? LIMIT 1",
                (image_id, image_id),
            ).fetchone()
            if user is not None:
                raise ImageInUse(
                    f"image used by {user[0]}: image is in use by a container: "
                    "consider listing external containers and force-removing image"
                )
            for pid, start in c.execute(
                "SELECT pid, start FROM image_leases WHERE image_id = ?", (image_id,)
            ).fetchall():
                if procfs.start_time(pid) == start:
                    raise ImageInUse(
                        f"image used by a build (process {pid}): image is in use: "
                        "wait for the build to finish or stop it"
                    )
            c.execute("DELETE FROM images WHERE id = ?", (image_id,))
            orphans = c.execute(
                "SELECT diff_id, blob_digest FROM layers WHERE diff_id NOT IN "
                "(SELECT diff_id FROM image_layers)"
            ).fetchall()
            c.executemany(
                "DELETE FROM layers WHERE diff_id = ?", [(r["diff_id"],) for r in orphans]
            )
        return [(r["diff_id"], r["blob_digest"]) for r in orphans]

    def link_mount(self, container_id: str, image_id: str) -> None:
        """Record that the container mounts the image (``--mount type=image``): ``remove``
        refuses it then. Raises NoSuchObject when the image was removed meanwhile (the
        check and the link are one transaction, as ``remove``'s check and delete are)."""
        with transaction(self._conn) as c:
            if c.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone() is None:
                raise NoSuchObject(f"image {image_id[:12]} was removed while being used")
            c.execute(
                "INSERT OR IGNORE INTO container_images (container_id, image_id) VALUES (?, ?)",
                (container_id, image_id),
            )

    def unlinked_mounts(self) -> list[str]:
        """The containers whose ``--mount type=image`` is not linked yet (made before
        the store linked them: store/db.py, version 16)."""
        rows = self._conn.execute("SELECT container_id FROM unlinked_image_mounts").fetchall()
        return [r[0] for r in rows]

    def mounts_linked(self, container_id: str) -> None:
        """The container's image mounts are linked now (``link_mount``): off the list."""
        with transaction(self._conn) as c:
            c.execute("DELETE FROM unlinked_image_mounts WHERE container_id = ?", (container_id,))

    def mounted_ids(self) -> set[str]:
        """The images some container mounts with ``--mount type=image`` (prune keeps them)."""
        rows = self._conn.execute("SELECT DISTINCT image_id FROM container_images").fetchall()
        return {r[0] for r in rows}

    def unlink_mounts(self, image_id: str) -> None:
        """``rmi --force``: the containers that mount the image stay (as podman's), unlinked."""
        with transaction(self._conn) as c:
            c.execute("DELETE FROM container_images WHERE image_id = ?", (image_id,))

    def lease(self, image_id: str, pid: int, start: str) -> None:
        """Hold the image for process ``pid`` (started at ``start``) until ``release``.

        Raises NoSuchObject when the image was removed meanwhile. Leases of
        processes that are gone are dropped here, so they never pile up.

        Not synced to disk (``durable=False``): an rmi sees the lease once it is
        committed, synced or not, and a lease lost to a power cut belonged to a
        process that is gone with it. A cached build took three fsyncs for its
        leases (the base, the final image, the release), 1 to 20 ms each."""
        with transaction(self._conn, durable=False) as c:
            if c.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone() is None:
                raise NoSuchObject(f"image {image_id[:12]} was removed while being used")
            for row in c.execute("SELECT DISTINCT pid, start FROM image_leases").fetchall():
                if procfs.start_time(row[0]) != row[1]:
                    c.execute(
                        "DELETE FROM image_leases WHERE pid = ? AND start = ?", (row[0], row[1])
                    )
            c.execute("INSERT OR IGNORE INTO image_leases VALUES (?, ?, ?)", (image_id, pid, start))

    def release(self, pid: int, start: str) -> None:
        """Drop every lease of process ``pid`` (not synced either: a lease that a power
        cut brings back is of a process that is gone, and counts for nothing)."""
        with transaction(self._conn, durable=False) as c:
            c.execute("DELETE FROM image_leases WHERE pid = ? AND start = ?", (pid, start))

    def layer_rows(self) -> dict[str, str]:
        """Every recorded layer: diff id -> blob digest."""
        return {r[0]: r[1] for r in self._conn.execute("SELECT diff_id, blob_digest FROM layers")}

    def layer_sizes(self) -> dict[str, int]:
        """Every recorded layer: diff id -> bytes unpacked."""
        return {r[0]: r[1] for r in self._conn.execute("SELECT diff_id, size FROM layers")}

    def drop_unused_layers(self) -> list[tuple[str, str]]:
        """Delete the layer rows no image names; return their (diff_id, blob_digest).
        The caller holds the layer lock and deletes their files."""
        with transaction(self._conn) as c:
            rows = c.execute(
                "SELECT diff_id, blob_digest FROM layers WHERE diff_id NOT IN "
                "(SELECT diff_id FROM image_layers)"
            ).fetchall()
            c.executemany("DELETE FROM layers WHERE diff_id = ?", [(r[0],) for r in rows])
        return [(r[0], r[1]) for r in rows]

    def layer_blobs(self, diff_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """(diff_id, blob_digest, media_type) in the given order."""
        out = []
        for diff_id in diff_ids:
            row = self._conn.execute(
                "SELECT blob_digest, media_type FROM layers WHERE diff_id = ?", (diff_id,)
            ).fetchone()
            if row:
                out.append((diff_id, row["blob_digest"], row["media_type"]))
        return out

    def layer_info(self, diff_id: str) -> LayerInfo | None:
        """The recorded layer with this diff id (pull skips layers it already has)."""
        row = self._conn.execute(
            "SELECT blob_digest, media_type, blob_size, size FROM layers WHERE diff_id = ?",
            (diff_id,),
        ).fetchone()
        if row is None:
            return None
        return LayerInfo(
            diff_id, row["blob_digest"], row["media_type"], row["blob_size"], row["size"]
        )

    def tag_times(self) -> dict[str, float]:
        """Image id -> when a name was last pointed at it (docker's LastTagTime)."""
        rows = self._conn.execute("SELECT image_id, MAX(added) FROM image_names GROUP BY image_id")
        return {row[0]: row[1] for row in rows}

    def _all_names(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for row in self._conn.execute("SELECT name, image_id FROM image_names ORDER BY added"):
            out.setdefault(row["image_id"], []).append(row["name"])
        return {k: tuple(v) for k, v in out.items()}

    def _all_layers(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for row in self._conn.execute(
            "SELECT image_id, diff_id FROM image_layers ORDER BY image_id, position"
        ):
            out.setdefault(row["image_id"], []).append(row["diff_id"])
        return {k: tuple(v) for k, v in out.items()}

    def _record(
        self,
        row: sqlite3.Row,
        names: tuple[str, ...] | None = None,
        diff_ids: tuple[str, ...] | None = None,
    ) -> ImageRecord:
        if names is None:
            names = tuple(
                r[0]
                for r in self._conn.execute(
                    "SELECT name FROM image_names WHERE image_id = ? ORDER BY added", (row["id"],)
                )
            )
        if diff_ids is None:
            diff_ids = tuple(
                r[0]
                for r in self._conn.execute(
                    "SELECT diff_id FROM image_layers WHERE image_id = ? ORDER BY position",
                    (row["id"],),
                )
            )
        return ImageRecord(
            row["id"],
            row["config"],
            row["manifest"],
            row["digest"],
            row["created"],
            row["size"],
            names,
            diff_ids,
            _split(row["names_history"]),
        )


def _split(history: str) -> tuple[str, ...]:
    return tuple(history.split("\n")) if history else ()


def _note_names(c: sqlite3.Connection, image_id: str) -> None:
    """After the image's names changed: each name it has now moves to the front of
    its history, in the order of its names, as containers/storage records them, so the
    history is the names (latest first) and then the names it had before. A name
    taken to another image stays in this one's history (podman: the same)."""
    names = [
        r[0]
        for r in c.execute(
            "SELECT name FROM image_names WHERE image_id = ? ORDER BY added", (image_id,)
        )
    ]
    row = c.execute("SELECT names_history FROM images WHERE id = ?", (image_id,)).fetchone()
    if row is None:
        return
    old = [h for h in _split(row[0]) if h not in names]
    c.execute(
        "UPDATE images SET names_history = ? WHERE id = ?",
        ("\n".join([*reversed(names), *old]), image_id),
    )

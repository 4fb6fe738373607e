"""The state database: one SQLite file, every change in a transaction.

WAL mode lets any number of readers run beside one writer; writers take
``BEGIN IMMEDIATE`` so that two commands never interleave half-done changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hutch.api.errors import HostNotReady, HutchError
from hutch.store import sqlite as sqlite3

_SCHEMA = (
    """
    CREATE TABLE layers (
        diff_id TEXT PRIMARY KEY,
        blob_digest TEXT NOT NULL,
        media_type TEXT NOT NULL,
        blob_size INTEGER NOT NULL,
        size INTEGER NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE images (
        id TEXT PRIMARY KEY,
        config BLOB NOT NULL,
        manifest BLOB NOT NULL,
        digest TEXT NOT NULL,
        created REAL NOT NULL,
        size INTEGER NOT NULL
    );
    CREATE TABLE image_layers (
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        diff_id TEXT NOT NULL REFERENCES layers(diff_id),
        PRIMARY KEY (image_id, position)
    );
    CREATE INDEX image_layers_diff ON image_layers(diff_id);
    CREATE TABLE image_names (
        name TEXT PRIMARY KEY,
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        added REAL NOT NULL
    );
    CREATE INDEX image_names_image ON image_names(image_id);
    CREATE TABLE containers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        image_id TEXT NOT NULL,
        image_name TEXT NOT NULL,
        created REAL NOT NULL,
        state TEXT NOT NULL,
        config BLOB NOT NULL,
        pid INTEGER,
        exit_code INTEGER,
        started REAL,
        finished REAL
    );
    CREATE INDEX containers_image ON containers(image_id);
    """,
    # build cache: step key -> the intermediate image that step made
    """
    CREATE TABLE build_cache (
        key TEXT PRIMARY KEY,
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        created REAL NOT NULL
    );
    CREATE INDEX build_cache_image ON build_cache(image_id);
    """,
    # volumes, and which container mounts which (store/volumes.py): a volume
    # in use cannot be deleted; removing a container drops its links.
    """
    CREATE TABLE volumes (
        name TEXT PRIMARY KEY,
        driver TEXT NOT NULL,
        created REAL NOT NULL,
        labels TEXT NOT NULL,
        options TEXT NOT NULL,
        anonymous INTEGER NOT NULL,
        needs_copy_up INTEGER NOT NULL
    );
    CREATE TABLE container_volumes (
        container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
        volume TEXT NOT NULL REFERENCES volumes(name),
        destination TEXT NOT NULL,
        PRIMARY KEY (container_id, destination)
    );
    CREATE INDEX container_volumes_volume ON container_volumes(volume);
    """,
    # user-defined networks (store/networks.py) and each container's place on
    # them: an address is unique per network (IPAM inside one write
    # transaction), the link goes with the container, and a network in use
    # cannot be deleted.
    """
    CREATE TABLE networks (
        name TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        driver TEXT NOT NULL,
        bridge TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE network_attachments (
        container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
        network TEXT NOT NULL REFERENCES networks(name),
        position INTEGER NOT NULL,
        address TEXT NOT NULL,
        mac TEXT NOT NULL,
        aliases TEXT NOT NULL,
        PRIMARY KEY (container_id, network),
        UNIQUE (network, address)
    );
    CREATE INDEX network_attachments_network ON network_attachments(network);
    """,
    # 5: the IPv6 address of an attachment to a dual-stack network ('' for none)
    """
    ALTER TABLE network_attachments ADD COLUMN address6 TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX network_attachments_address6
        ON network_attachments(network, address6) WHERE address6 != '';
    """,
    # 6: containers lose state, pid, exit_code, started and finished, which
    # nothing wrote after 'created' nor read: a container's run state is its
    # monitor's state.json (runtime/state.py). SQLite's way of dropping
    # columns that works before 3.35: a new table, copied, renamed (run with
    # foreign keys off, or dropping the old table would cascade to the links).
    """
    CREATE TABLE containers_v6 (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        image_id TEXT NOT NULL,
        image_name TEXT NOT NULL,
        created REAL NOT NULL,
        config BLOB NOT NULL
    );
    INSERT INTO containers_v6 (id, name, image_id, image_name, created, config)
        SELECT id, name, image_id, image_name, created, config FROM containers;
    DROP TABLE containers;
    ALTER TABLE containers_v6 RENAME TO containers;
    CREATE INDEX containers_image ON containers(image_id);
    """,
    # 7: leases: a running build holds its base images (store/images.py) so
    # that rmi refuses them; a lease whose process (pid + start time, a pid
    # alone may be recycled) is gone counts for nothing.
    """
    CREATE TABLE image_leases (
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        pid INTEGER NOT NULL,
        start TEXT NOT NULL,
        PRIMARY KEY (image_id, pid, start)
    );
    """,
    # 8: pods (store/pods.py) and the pod each container belongs to. A pod
    # cannot be deleted while a container names it (the reference), and a
    # member is inserted only in a transaction that finds its pod, so `pod rm`
    # and `run --pod` never leave a member of a deleted pod.
    """
    CREATE TABLE pods (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created REAL NOT NULL,
        infra_id TEXT NOT NULL,
        config BLOB NOT NULL
    );
    ALTER TABLE containers ADD COLUMN pod_id TEXT REFERENCES pods(id);
    CREATE INDEX containers_pod ON containers(pod_id);
    """,
    # 9: one image size for every record (store/images.py image_size: the layers'
    # uncompressed tars, the config, the manifest twice, as podman counts them).
    # Records written before that counted only the files in the layers. An
    # uncompressed layer's tar is its blob, so its blob size is exact; a
    # compressed one pulled before keeps its file count (its tar is not kept).
    """
    UPDATE layers SET size = blob_size
        WHERE media_type = 'application/vnd.oci.image.layer.v1.tar' AND size != blob_size;
    UPDATE images SET size = length(config) + 2 * length(manifest) + (
        SELECT COALESCE(SUM(l.size), 0) FROM image_layers il
        JOIN layers l ON l.diff_id = il.diff_id WHERE il.image_id = images.id
    );
    """,
    # 10: manifest lists (store/images.py add_list): the list is an image row whose
    # manifest is the index (no layers); this row marks it and keeps where each
    # entry was added from (a registry reference, for push --all), as JSON.
    """
    CREATE TABLE manifest_lists (
        image_id TEXT PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        sources TEXT NOT NULL
    );
    """,
    # 11: each image's name history (podman's NamesHistory, store/images.py
    # _note_names): the names it has had, latest first, one a line. An image
    # recorded before starts with its names, the last added first.
    """
    ALTER TABLE images ADD COLUMN names_history TEXT NOT NULL DEFAULT '';
    UPDATE images SET names_history = COALESCE((
        SELECT group_concat(name, char(10)) FROM (
            SELECT name FROM image_names WHERE image_id = images.id ORDER BY added DESC
        )
    ), '');
    """,
    # 12: the other manifests an image is known by (store/images.py add): the same
    # config and layers pulled again through another manifest (recompressed, or the
    # other manifest type) keep that manifest, so NAME@DIGEST of either finds the
    # image, as containers/storage keeps a manifest per digest.
    """
    CREATE TABLE image_digests (
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        manifest BLOB NOT NULL,
        PRIMARY KEY (image_id, digest)
    );
    CREATE INDEX image_digests_digest ON image_digests(digest);
    """,
    # 13: podman's NeedsChown (engine/volumes.py): a new volume's directory goes to
    # the user of the first container that mounts it where the image has nothing.
    # Volumes made before have been mounted already, or keep their owner as they did.
    """
    ALTER TABLE volumes ADD COLUMN needs_chown INTEGER NOT NULL DEFAULT 0;
    """,
    # 14: the images a container mounts with --mount type=image (store/images.py
    # link_mount): rmi refuses them as it refuses a container's own image, checked in
    # the transaction of the delete; the link goes with the container. Containers
    # made before are not linked (their mounts name the image as given, not its id).
    """
    CREATE TABLE container_images (
        container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
        image_id TEXT NOT NULL,
        PRIMARY KEY (container_id, image_id)
    );
    CREATE INDEX container_images_image ON container_images(image_id);
    """,
    # 15: what a plain layer compressed to on a push (store/blobinfo.py), as podman's
    # blob-info cache: a second push of the layer asks the registry for that digest
    # instead of compressing it again, and mounts it from a repository of the same
    # registry it went to before. Only the mapping is kept (not the compressed
    # blob, which would add to the layer's disk use); it goes with the layer.
    """
    CREATE TABLE compressed_blobs (
        diff_id TEXT NOT NULL REFERENCES layers(diff_id) ON DELETE CASCADE,
        algorithm TEXT NOT NULL,
        level INTEGER NOT NULL,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (diff_id, algorithm, level)
    );
    CREATE TABLE compressed_blob_locations (
        diff_id TEXT NOT NULL REFERENCES layers(diff_id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        registry TEXT NOT NULL,
        repository TEXT NOT NULL,
        PRIMARY KEY (digest, registry, repository)
    );
    CREATE INDEX compressed_blob_locations_layer ON compressed_blob_locations(diff_id);
    """,
    # 16: the containers made before 14 that mount an image (--mount type=image), whose
    # link 14 could not make: their record names the image as given, and only their
    # spec (config.json, outside the database) has its id. Listed here, they are linked
    # from it before an rmi or an image prune looks for users (engine/image_volumes.py
    # link_listed_mounts), and leave the list then; the list goes with the container.
    """
    CREATE TABLE unlinked_image_mounts (
        container_id TEXT PRIMARY KEY REFERENCES containers(id) ON DELETE CASCADE
    );
    INSERT INTO unlinked_image_mounts (container_id)
        SELECT id FROM containers
        WHERE json_valid(CAST(config AS TEXT))
            AND EXISTS (
                SELECT 1 FROM json_each(CAST(config AS TEXT), '$.mounts') AS m
                WHERE json_extract(m.value, '$.kind') = 'image'
            )
            AND id NOT IN (SELECT container_id FROM container_images);
    """,
)


def connect(path: Path, *, shared: bool = False) -> sqlite3.Connection:
    """Open (and create or migrate) the database at ``path``; ``shared``: one that
    other threads may take over, one at a time (``dbpool.py``).

    A database that cannot be read is an error naming it, never an empty
    store: SQLite would take a zero-length file for a new database, so one
    next to stored layers or containers (it had records) is refused too."""
    if _emptied(path):
        raise HutchError(
            f"the database {path} is empty (0 bytes) but the store beside it holds "
            "layers or containers: its records are lost",
            hint=_DB_HINT,
        )
    if not os.path.lexists(path):
        # A new store: the one moment to look at its filesystem (SQLite on a
        # network filesystem can hang on its locks rather than fail).
        _refuse_network_filesystem(path)
    reserve = path.parent / RESERVE
    if full(path.parent):
        # The space kept in RESERVE is given up for this moment: rm, rmi and
        # prune can record what they remove, and free the rest. Before the
        # first write, not after one failed: a commit that found no room
        # cannot be run again.
        reserve.unlink(missing_ok=True)
    try:
        try:
            conn = _open(path, shared)
        except sqlite3.OperationalError:
            # A full disk without a reserve left: WAL readers need room for the
            # shared-memory index, so even `ps` would fail. The file is read as
            # it is, without the commits the WAL holds since its last checkpoint
            # (at most WAL_PAGES pages: `_open`): listings work, and a write says
            # what is full.
            if not full(path.parent) or not path.exists():
                _refuse_network_filesystem(path)
                raise  # locked, I/O: the caller's errors say those
            conn = sqlite3.connect(
                f"{path.as_uri()}?mode=ro&immutable=1",
                uri=True,
                isolation_level=None,
                check_same_thread=not shared,
            )
            conn.row_factory = sqlite3.Row
        else:
            _keep_reserve(reserve)
    except sqlite3.DatabaseError as exc:
        raise HutchError(f"the database {path} cannot be read: {exc}", hint=_DB_HINT) from None
    return conn


def _refuse_network_filesystem(path: Path, mountinfo: str = "/proc/self/mountinfo") -> None:
    """A store on NFS, CIFS, 9p...: name that, and the setting that moves it.

    SQLite's WAL needs shared memory and POSIX locks that such filesystems do
    not give (its error is a bare "disk I/O error"); overlay cannot keep upper
    directories there either, so the whole store belongs on a local disk.
    """
    from hutch.linux import hostcheck

    location = hostcheck.storage_location(str(path.parent), mountinfo)
    if not location.ok:
        raise HostNotReady(
            f"the store's database {path} cannot be opened: {location.value}",
            hint=location.fix,
        )


# The WAL's length at which a commit checkpoints it into the database (SQLite's
# default is 1000 pages). A command exits without closing its connection (cli/main.py
# ``entry``), so the WAL is not checkpointed at every exit; the next command's open
# reads all of it to rebuild its index (about 0.5 ms for 350 pages): 256 pages bound
# that, for a checkpoint (an fdatasync of the WAL and of the database) every 20 to 30
# creates or removals.
WAL_PAGES = 256


def _open(path: Path, shared: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=not shared)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < len(_SCHEMA):
        _migrate(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# Space set aside in the store for a full disk: the database needs some to
# open and to record what rm, rmi and prune remove (they free the rest).
RESERVE = "reserve"
_RESERVE_SIZE = 1 << 20


def _keep_reserve(reserve: Path) -> None:
    """Put the reserve back once there is room for it (one stat when it is there)."""
    if reserve.exists():
        return
    try:
        info = os.statvfs(reserve.parent)
        if info.f_bavail * info.f_frsize < 16 * _RESERVE_SIZE:
            return
        fd = os.open(reserve, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.posix_fallocate(fd, 0, _RESERVE_SIZE)
        finally:
            os.close(fd)
    except OSError:
        return  # no reserve this time; the next command tries again


_DB_HINT = (
    "restore the file from a backup, or remove the whole store with "
    "`hutch system reset -f` (every image, container and volume goes)"
)


def _emptied(path: Path) -> bool:
    try:
        if path.stat().st_size != 0:
            return False
    except OSError:
        return False
    return any(
        (path.parent / part).is_dir() and any((path.parent / part).iterdir())
        for part in ("layers", "containers")
    )


def _migrate(conn: sqlite3.Connection) -> None:
    """Run the scripts the database has not seen, all in one transaction.

    Foreign keys are off meanwhile (the pragma is ignored inside a
    transaction, hence before it): a table rebuilt by a script is dropped
    while others still refer to it; ``foreign_key_check`` then proves that
    every reference still holds before the commit.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    with transaction(conn):
        # Re-read under the write lock: a concurrent command may have migrated.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for script in _SCHEMA[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise sqlite3.IntegrityError(f"migration broke references: {list(broken[0])}")
        conn.execute(f"PRAGMA user_version = {len(_SCHEMA)}")
    conn.execute("PRAGMA journal_mode = WAL")


@contextmanager
def transaction(conn: sqlite3.Connection, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
    """A write transaction: all of it is applied, or none of it.

    ``durable`` False: the commit is not synced to disk (SQLite's ``synchronous =
    NORMAL`` for this one transaction). It is still atomic and seen by every other
    command at once; a power loss may take it back, never half of it, and the next
    durable commit of any command syncs it with its own (the WAL is one file, synced
    up to its end). For writes that a later durable commit of the same command
    covers (a new container's record before its config), or whose loss does not
    matter (a ``--rm`` container's records): each fsync spared is 1 to 20 ms of
    ``create`` and ``run``, depending on what else writes to the disk.
    """
    level = None
    if not durable:
        level = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        conn.execute("PRAGMA synchronous = NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        where = Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent
        if full(where):
            raise HutchError(f"no space left on device under {where}", hint=NO_SPACE_HINT) from exc
        raise
    finally:
        # (SQLite refuses the change inside a transaction: after a COMMIT that failed,
        # the connection keeps NORMAL until the caller's error ends the command.)
        if level is not None and not conn.in_transaction:
            conn.execute(f"PRAGMA synchronous = {level}")


NO_SPACE_HINT = (
    "free space there (hutch rm, hutch rmi, hutch system prune, hutch volume prune "
    "work on a full disk) or move the store with --root"
)


def ensure_room(directory: Path) -> None:
    """Refuse to store something new when no more than the reserve's room is left.

    Once a full disk made a command give the reserve up, its megabyte is free
    again: a small ``run`` or ``import`` would take it and leave rm and rmi
    without it. What creates checks here first and fails before it writes."""
    try:
        info = os.statvfs(directory)
    except OSError:
        return
    if info.f_bavail * info.f_frsize < 2 * _RESERVE_SIZE:
        raise HutchError(f"no space left on device under {directory}", hint=NO_SPACE_HINT)


def full(directory: Path) -> bool:
    """No block left for us on the file system of ``directory``."""
    try:
        info = os.statvfs(directory)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 65536

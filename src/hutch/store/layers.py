"""Layers: unpacked, content-addressed by diff id, each with its blob.

A layer is ``layers/<hex>/diff`` (the unpacked tree, an overlay lower dir)
plus its blob in ``blobs/sha256/<hex>`` exactly as it was received, so that
push and save hand out the very bytes whose digest the manifest names.
Ingesting happens in a private temp dir and ends with one rename: an
interrupted ingest leaves only a temp dir that the next command removes.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HutchError, InvalidArgument
from hutch.config.paths import Paths
from hutch.linux import procfs
from hutch.util.atomic import write_atomic

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import BinaryIO

# Joining the session imports this module (EngineContext.enter_session cleans stale
# temp dirs), and the API service joins it before its first answer: the database
# (sqlite3), shutil (bz2, lzma) and secrets (hashlib, random) load where they are used.

# The file beside a layer's ``diff`` that names the process that stored it.
PENDING = "pending"
# The file beside a layer's ``diff`` with the mode of its tar's ``./`` entry (none
# without one): an image's root directory mode is made of these (store/rootmode.py).
ROOT_MODE = "root-mode"


@dataclass(frozen=True)
class LayerInfo:
    diff_id: str
    blob_digest: str
    media_type: str
    blob_size: int
    size: int  # the uncompressed tar's length, as containers/storage's UncompressedSize


_OPAQUE_XATTR = "user.overlay.opaque"
_MEDIA_TYPES = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}


class LayersMissing(HutchError):
    """An image was about to be recorded on layers whose files are gone
    (removed by a concurrent ``rmi``): pull fetches them again, others fail."""

    def __init__(self, diff_ids: tuple[str, ...]) -> None:
        super().__init__(
            f"layer {diff_ids[0][:19]} was removed while this image was being stored",
            hint="run the command again",
        )
        self.diff_ids = diff_ids


def _file_digest(path: Path) -> str:
    import hashlib  # not at the top: create never needs it (tests/unit/cli/test_cli_fast.py)

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return f"sha256:{h.hexdigest()}"


class _Tee:
    """A reader that copies everything read through it into ``sink``."""

    def __init__(self, src: BinaryIO, sink: BinaryIO) -> None:
        self._src = src
        self._sink = sink
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._src.read(size)
        if data:
            self._sink.write(data)
            self.count += len(data)
        return data

    def readable(self) -> bool:
        return True


class LayerStore:
    def __init__(self, paths: Paths) -> None:
        self._paths = paths

    def layer_dir(self, diff_id: str) -> Path:
        return self._paths.layers / _hex(diff_id) / "diff"

    def blob_path(self, digest: str) -> Path:
        algorithm, hexpart = digest.split(":", 1)
        return self._paths.blobs / algorithm / hexpart

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Serialise layer creation against garbage collection of layers."""
        self._paths.storage.mkdir(parents=True, exist_ok=True)
        fd = os.open(
            self._paths.storage / "layers.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def ingest(
        self,
        src: BinaryIO,
        *,
        whiteouts: str = "overlay",
        ignore_chown: bool = False,
        expected_digest: str | None = None,
        expected_diff_id: str | None = None,
    ) -> LayerInfo:
        """``_ingest`` (below); a full disk is an error naming the store."""
        from hutch.store.db import NO_SPACE_HINT, ensure_room

        ensure_room(self._paths.storage)
        try:
            return self._ingest(src, whiteouts, ignore_chown, expected_digest, expected_diff_id)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise HutchError(
                f"no space left on device under {self._paths.storage}", hint=NO_SPACE_HINT
            ) from None

    def _ingest(
        self,
        src: BinaryIO,
        whiteouts: str,
        ignore_chown: bool,
        expected_digest: str | None,
        expected_diff_id: str | None,
    ) -> LayerInfo:
        """Unpack one layer blob; returns its identity. Caller holds ``lock()``
        only around the final commit (done here) — extraction runs unlocked.

        ``expected_digest`` (the manifest's) and ``expected_diff_id`` (the
        config's) are checked before the commit: on a mismatch the temp dir is
        discarded and nothing of the blob stays."""
        # tarfile: only when ingesting
        from hutch.store.tarextract import NotTar, extract_layer

        tmp = self.new_tmp()
        try:
            diff = tmp / "diff"
            diff.mkdir()
            with open(tmp / "blob", "wb") as blob:
                tee = _Tee(src, blob)
                try:
                    result = extract_layer(
                        tee,  # type: ignore[arg-type]
                        diff,
                        whiteouts="overlay" if whiteouts == "overlay" else "apply",
                        chown="ignore" if ignore_chown else "strict",
                    )
                except NotTar as exc:
                    # the digest of the whole stream, which podman names in its error
                    while tee.read(1 << 20):
                        pass
                    blob.flush()
                    exc.blob = _file_digest(tmp / "blob")
                    raise
                blob.flush()
                os.fsync(blob.fileno())
            info = LayerInfo(
                result.diff_id,
                result.compressed_digest,
                _MEDIA_TYPES[result.compression],
                tee.count,
                result.tar_size,
            )
            _check("blob digest", expected_digest, info.blob_digest)
            _check("diff id", expected_diff_id, info.diff_id)
            if result.root_mode is not None:
                from hutch.store.rootmode import format_mode

                (tmp / ROOT_MODE).write_text(format_mode(result.root_mode))
            with self.lock():
                self._commit(tmp, info)
            if result.devices_skipped:
                # As podman rootless: the layer is kept without them, but said so.
                print(
                    f"WARN: layer {info.diff_id[:19]}: {result.devices_skipped} device node(s)"
                    " not created (a user namespace cannot create devices; bind them"
                    " with --device instead)",
                    file=sys.stderr,
                )
            return info
        finally:
            if tmp.exists():
                remove_tree(tmp)

    def ingest_dir(
        self,
        tree: Path,
        *,
        source: str = "overlay-upper",
        clamp_mtime: int | None = None,
        exclude: Callable[[str], bool] | None = None,
        consume: bool = False,
    ) -> LayerInfo:
        """Make a layer from a directory (a container's upper dir, a build step).

        The tree is written as a deterministic tar (``store/tarwrite.py``) to a
        temp file, which then becomes the layer's blob and is unpacked like any
        other layer, so committed and pulled layers are stored alike.

        ``consume`` (an overlay upper dir nobody needs afterwards, on the
        store's file system): the tree itself is renamed into place as the
        layer instead of being unpacked again from the tar, which saves a
        write and a delete of every file. It goes through the same staged
        temp dir and final rename, so an interrupted ingest still leaves
        only a temp dir behind.
        """
        from hutch.store.tarwrite import write_layer_tar

        if consume and exclude is None and source == "overlay-upper":
            moved = self._ingest_moving(tree, clamp_mtime)
            if moved is not None:
                return moved
        tmp = self.new_tmp()
        try:
            tar_path = tmp / "layer.tar"
            with open(tar_path, "wb") as out:
                write_layer_tar(
                    tree,
                    out,
                    source=source,  # type: ignore[arg-type]
                    clamp_mtime=clamp_mtime,
                    exclude=exclude,
                )
            with open(tar_path, "rb") as src:
                return self.ingest(src)
        finally:
            remove_tree(tmp)

    def _ingest_moving(self, tree: Path, clamp_mtime: int | None) -> LayerInfo | None:
        """``ingest_dir(consume=True)``: the tar becomes the blob, the tree the layer.

        None when the tree cannot be renamed into the store (another file
        system): the caller then unpacks the tar as usual.
        """
        from hutch.store.db import ensure_room
        from hutch.store.tarwrite import write_layer_tar

        ensure_room(self._paths.storage)
        tmp = self.new_tmp()
        try:
            with open(tmp / "blob", "wb") as out:
                result = write_layer_tar(tree, out, source="overlay-upper", clamp_mtime=clamp_mtime)
                out.flush()
                os.fsync(out.fileno())
            # Moving a directory to another parent writes its "..": its own mode
            # (an image's root mode, 0555 for most) must let the owner write.
            os.chmod(tree, 0o755)
            try:
                os.rename(tree, tmp / "diff")
            except OSError as exc:
                if exc.errno == errno.EXDEV:
                    return None
                raise
            diff = tmp / "diff"
            os.chmod(diff, 0o755)  # as an unpacked layer's top directory
            _settle_tree(diff, clamp_mtime)
            info = LayerInfo(
                result.diff_id, result.diff_id, _MEDIA_TYPES["none"], result.size, result.size
            )
            with self.lock():
                self._commit(tmp, info)
            return info
        finally:
            if tmp.exists():
                remove_tree(tmp)

    def _commit(self, tmp: Path, info: LayerInfo) -> None:
        # The intent record: until an image row names this layer, PENDING says
        # which process stored it (and its blob). ``system check`` removes a
        # layer without a row only when that process is gone (a killed pull).
        intent = f"{os.getpid()} {procfs.start_time(os.getpid())} {info.blob_digest}\n"
        blob = self.blob_path(info.blob_digest)
        target = self._paths.layers / _hex(info.diff_id)
        if target.exists():
            write_atomic(target / PENDING, intent.encode())
            if (tmp / ROOT_MODE).exists() and not (target / ROOT_MODE).exists():
                # stored before the mode was recorded: the same tar, so the same mode
                write_atomic(target / ROOT_MODE, (tmp / ROOT_MODE).read_bytes())
        else:
            (tmp / PENDING).write_text(intent)
        if not blob.exists():
            blob.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / "blob", blob)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            (tmp / "blob").unlink(missing_ok=True)
            os.replace(tmp, target)

    def root_mode(self, diff_id: str) -> int | None:
        """The mode of the layer tar's ``./`` entry; None without one (or a layer
        stored before hutch recorded it)."""
        return read_root_mode(self._paths.layers / _hex(diff_id))

    def image_root_mode(self, diff_ids: Sequence[str]) -> int:
        """The mode of the root directory of an image of these layers (bottom
        first), as containers/storage gives it (``store/rootmode.py``)."""
        from hutch.store.rootmode import image_root_mode

        return image_root_mode(self.root_mode(d) for d in diff_ids)

    def stored_layers(self) -> list[str]:
        """The diff ids of the layer trees on disk (recorded or not)."""
        root = self._paths.layers
        names = sorted(os.listdir(root)) if root.is_dir() else []
        return [f"sha256:{n}" for n in names if _is_hex(n)]

    def stored_blobs(self) -> list[str]:
        """The digests of the blobs on disk."""
        root = self._paths.blobs / "sha256"
        names = sorted(os.listdir(root)) if root.is_dir() else []
        return [f"sha256:{n}" for n in names if _is_hex(n)]

    def pending_owner(self, diff_id: str) -> tuple[bool, str]:
        """(the process that stored this layer still runs, the blob it stored)
        from the layer's intent record; (False, "") without one."""
        try:
            fields = (self._paths.layers / _hex(diff_id) / PENDING).read_text().split()
        except OSError:
            return False, ""
        if len(fields) != 3 or not fields[0].isdigit():
            return False, ""
        pid, start, blob = int(fields[0]), fields[1], fields[2]
        return bool(start) and procfs.start_time(pid) == start, blob

    def layer_age(self, diff_id: str) -> float:
        """Seconds since the layer was stored (0 when it is gone)."""
        try:
            return time.time() - (self._paths.layers / _hex(diff_id)).stat().st_mtime
        except OSError:
            return 0.0

    def present(self, layer: LayerInfo) -> bool:
        """Both the layer's tree and its blob are on disk (check under ``lock()``)."""
        tree = self.layer_dir(layer.diff_id)
        return tree.is_dir() and self.blob_path(layer.blob_digest).is_file()

    def remove(self, diff_id: str, blob_digest: str | None) -> None:
        """Delete a layer's tree and blob (caller decided nothing uses them)."""
        target = self._paths.layers / _hex(diff_id)
        if target.exists():
            # Rename first so that a crash mid-delete never leaves a partial layer
            # under its real name.
            doomed = self.new_tmp()
            os.replace(target, doomed / "layer")
            remove_tree(doomed)
        if blob_digest:
            self.blob_path(blob_digest).unlink(missing_ok=True)

    def new_tmp(self) -> Path:
        """A private temp dir named by our pid, so stale ones can be recognised."""
        base = self._paths.tmp
        base.mkdir(parents=True, exist_ok=True)
        path = base / f"{os.getpid()}-{os.urandom(6).hex()}"  # as secrets.token_hex(6)
        path.mkdir()
        return path

    def stale_tmp(self) -> list[Path]:
        """Temp dirs whose creating process is gone (interrupted commands).

        None from a container's cleanup (a monitor exec'd into ``container
        cleanup``, pid 1 of the container's pid namespace): the commands that
        own temp dirs are not visible there, and would all look gone (the 20
        parallel loops of test_faults_and_races found an import's dir removed)."""
        base = self._paths.tmp
        if not base.is_dir() or os.getpid() == 1:
            return []
        stale = []
        for entry in sorted(base.iterdir()):
            pid_text = entry.name.split("-", 1)[0]
            if not (pid_text.isdigit() and _alive(int(pid_text))):
                stale.append(entry)
        return stale

    def clean_stale_tmp(self) -> None:
        """Remove temp dirs whose creating process is gone (every command does)."""
        for entry in self.stale_tmp():
            if entry.is_dir() and not entry.is_symlink():
                remove_tree(entry)
            else:
                entry.unlink(missing_ok=True)


def read_root_mode(layer: Path) -> int | None:
    """The ``./`` mode recorded beside the tree of the layer dir ``layer``; None
    without one."""
    from hutch.store.rootmode import parse_mode

    try:
        text = (layer / ROOT_MODE).read_text()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return parse_mode(text)


def _settle_tree(root: Path, clamp_mtime: int | None) -> None:
    """Make a moved upper dir look as its tar unpacked would: overlay's own
    bookkeeping xattrs (all but the opaque marker) go, times are clamped."""
    for top, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            path = os.path.join(top, name)
            info = os.lstat(path)
            try:
                attrs = os.listxattr(path, follow_symlinks=False)
            except OSError:
                attrs = []
            for attr in attrs:
                if attr.startswith("user.overlay.") and attr != _OPAQUE_XATTR:
                    with suppress(OSError):
                        os.removexattr(path, attr, follow_symlinks=False)
            if clamp_mtime is not None and info.st_mtime > clamp_mtime:
                os.utime(path, (clamp_mtime, clamp_mtime), follow_symlinks=False)


def _check(what: str, expected: str | None, actual: str) -> None:
    if expected is not None and expected != actual:
        raise InvalidArgument(f"layer {what} mismatch: expected {expected}, got {actual}")


def _is_hex(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _hex(digest: str) -> str:
    return digest.split(":", 1)[1] if ":" in digest else digest


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_tree(path: Path) -> None:
    """rmtree that also copes with directories a container made unwritable
    (util/treeremove.py: shutil's import alone was most of run --rm's removal).
    Imported here: stop and others load this module and remove no tree."""
    from hutch.util import treeremove

    treeremove.remove_tree(path)


def now() -> float:
    return time.time()

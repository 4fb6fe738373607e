"""Extract one image layer (a tar stream) into a directory, safely.

Nothing here ever follows a symbolic link: every parent directory is opened
component by component with ``O_NOFOLLOW`` relative to the directory above
it, and every node is created with the ``*at`` system calls relative to its
parent's descriptor. A name that would leave the destination is refused
before anything is written for it.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, Literal, cast

from hutch.api.errors import HostNotReady, HutchError, UnsafeArchive
from hutch.store.compression import HashingReader, sniff
from hutch.util.fdio import write_all

Whiteouts = Literal["overlay", "apply"]
# "none": ownership is not set at all (build --output rootless: the user owns it all)
Chown = Literal["strict", "ignore", "none"]
# What an xattr is set on: "file" is a regular file or a directory.
_Kind = Literal["file", "symlink", "special"]

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
OVERLAY_OPAQUE_XATTR = "user.overlay.opaque"
_XATTR_PAX_PREFIX = "SCHILY.xattr."
# Overlay's own metadata must come only from whiteout conversion: a layer
# that carried it could redirect or hide paths in the merged view (fuse-overlayfs's
# too: it shows the layers of id-mapped containers and build steps). hutch's own
# marks (runtime/userns_copy.py) likewise: one would give a file a mapped build step
# copies up another owner.
_FORBIDDEN_XATTR_PREFIXES = (
    "user.overlay.",
    "trusted.overlay.",
    "user.fuseoverlayfs.",
    "user.hutch.",
)

_DIR_PATH_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_DIR_READ_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20
_SUBID_HINT = (
    "the image uses an id outside the user namespace: the user's subordinate id range "
    "(/etc/subuid, /etc/subgid) may be too small; run 'hutch system migrate' after "
    "enlarging it"
)


@dataclass(frozen=True)
class ExtractResult:
    diff_id: str
    """``sha256:<hex>`` of the whole uncompressed tar stream, padding included."""
    compressed_digest: str
    """``sha256:<hex>`` of the bytes as given."""
    compression: str
    """``gzip``, ``zstd`` or ``none``."""
    size: int
    """Sum of the sizes of the regular files written."""
    tar_size: int
    """Bytes of the whole uncompressed tar stream (containers/storage's UncompressedSize)."""
    skipped: tuple[str, ...]
    """``PATH: reason`` for each entry or attribute that could not be created."""
    devices_skipped: int = 0
    """Device nodes not created: a user namespace cannot make them (podman skips them too)."""
    root_mode: int | None = None
    """The permission bits of the tar's ``./`` entry; None when it has none (the image's
    root then keeps a lower layer's mode, ``store/rootmode.py``)."""


def extract_layer(
    src: BinaryIO,
    dest: Path,
    *,
    whiteouts: Whiteouts,
    chown: Chown = "strict",
) -> ExtractResult:
    """Extract the layer tar read from ``src`` (gzip, zstd or plain) into ``dest``.

    ``dest`` must exist. ``whiteouts="overlay"`` turns whiteouts into overlayfs
    markers (``dest`` becomes a lower directory mounted with ``userxattr``);
    ``whiteouts="apply"`` applies them to ``dest``, a flattened root file system
    that already holds the lower layers. ``chown="ignore"`` tolerates failures
    to set ownership (and privileged attributes), for unprivileged use.
    """
    counted = HashingReader(src)
    dest_fd = os.open(dest, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    extractor = _Extractor(dest_fd, whiteouts, chown)
    try:
        with sniff(counted) as (compression, stream):
            tar_bytes = HashingReader(stream)
            # tarfile reads 10 KiB at a time: a C buffer in between keeps
            # the Python readers below to one call per MiB.
            end = _extract_members(io.BufferedReader(tar_bytes, _CHUNK), extractor)
            # tarfile stops at the end-of-archive blocks; the diff id covers
            # the padding after them too.
            tar_bytes.drain()
            # tarfile also ends quietly at a header cut short; a clean end of
            # data exactly at a header boundary is accepted, as Go's reader does.
            if end < tar_bytes.count < end + tarfile.BLOCKSIZE:
                raise HutchError("layer tar is truncated in the middle of a header")
        counted.drain()
        extractor.finish()
    finally:
        extractor.close()
        os.close(dest_fd)
    return ExtractResult(
        diff_id=tar_bytes.digest,
        compressed_digest=counted.digest,
        compression=compression,
        size=extractor.size,
        tar_size=tar_bytes.count,
        skipped=tuple(extractor.skipped),
        devices_skipped=extractor.devices_skipped,
        root_mode=extractor.root_mode,
    )


def _extract_members(stream: BinaryIO, extractor: _Extractor) -> int:
    """Apply every member; return the offset where tarfile stopped reading headers."""
    try:
        with tarfile.open(
            fileobj=stream, mode="r|", encoding="utf-8", errors="surrogateescape"
        ) as archive:
            # Opening reads the first header: offset 0 after it means no member.
            # Python 3.10's next() would then seek back on the stream and fail.
            if archive.offset == 0:
                return 0
            while (member := archive.next()) is not None:
                extractor.apply(member, archive)
                # Streaming mode still remembers every member; a layer can
                # have hundreds of thousands of them and we never look back.
                remembered = vars(archive).get("members")
                if isinstance(remembered, list):
                    remembered.clear()
            return archive.offset
    except tarfile.TarError as exc:
        raise NotTar(f"layer is not a valid tar archive: {exc}", go_tar_reason(exc)) from exc


class NotTar(HutchError):
    """A layer stream that is no tar archive; ``reason`` in Go's words, ``blob`` the
    digest of the whole stream where the reader of the stream took it."""

    def __init__(self, message: str, reason: str, blob: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.blob = blob


def go_tar_reason(exc: BaseException) -> str:
    """What Go's archive/tar says where tarfile gave ``exc`` (podman's messages carry
    Go's words): a short read is an unexpected EOF, a bad header block an invalid one."""
    text = str(exc)
    if "truncated" in text or "unexpected end" in text:
        return "unexpected EOF"
    if "empty" in text:
        return "EOF"
    if "invalid header" in text or "bad checksum" in text:
        return "archive/tar: invalid tar header"
    return text


def clean_name(name: str) -> tuple[str, ...]:
    """Split a member name into components, resolving ``.`` and ``..`` lexically.

    Refuses absolute names and names that climb above the archive root.
    ``./a/../b`` is accepted as ``b``.
    """
    if name.startswith("/"):
        raise UnsafeArchive(f"refusing tar entry {name!r}: absolute path")
    parts: list[str] = []
    for component in name.split("/"):
        if component in ("", "."):
            continue
        if component == "..":
            if not parts:
                raise UnsafeArchive(f"refusing tar entry {name!r}: it escapes the layer directory")
            parts.pop()
        else:
            parts.append(component)
    return tuple(parts)


def _times_ns(member: tarfile.TarInfo) -> tuple[int, int]:
    """Access and modification times in nanoseconds (PAX times are not rounded
    through a float); the access time defaults to the modification time."""
    mtime = _pax_time_ns(member, "mtime")
    if mtime is None:
        mtime = int(member.mtime) * 1_000_000_000
    atime = _pax_time_ns(member, "atime")
    return (mtime if atime is None else atime), mtime


def _pax_time_ns(member: tarfile.TarInfo, key: str) -> int | None:
    text = member.pax_headers.get(key)
    if text is None:
        return None
    try:
        return int(Decimal(text) * 1_000_000_000)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class _DirMeta:
    parts: tuple[str, ...]
    mode: int
    atime_ns: int
    mtime_ns: int


class _Extractor:
    """State of one extraction: the destination, what was written, what is deferred."""

    def __init__(self, dest_fd: int, whiteouts: Whiteouts, chown: Chown) -> None:
        self._dest_fd = dest_fd
        self._whiteouts = whiteouts
        self._chown = chown
        self.size = 0
        self.skipped: list[str] = []
        self.devices_skipped = 0
        self.root_mode: int | None = None
        # Paths this layer wrote, and their ancestors: an opaque marker in
        # "apply" mode removes everything else (whiteouts hide lower layers only).
        self._written: set[str] = set()
        self._written_ancestors: set[str] = set()
        # Directory modes and times are set at the end, deepest first, so
        # that later entries neither change the times nor meet a read-only
        # directory.
        self._dirs: dict[str, _DirMeta] = {}
        self._cached_parent: tuple[tuple[str, ...], int] | None = None

    # -- directory descriptors -------------------------------------------------

    def _open_dir(self, parts: tuple[str, ...], *, create: bool) -> int:
        """An O_PATH descriptor for ``dest/parts``, never crossing a symlink."""
        fd = os.dup(self._dest_fd)
        try:
            for depth, name in enumerate(parts):
                child = self._open_child_dir(fd, name, parts[: depth + 1], create=create)
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _open_child_dir(
        self, parent_fd: int, name: str, parts: tuple[str, ...], *, create: bool
    ) -> int:
        try:
            return os.open(name, _DIR_PATH_FLAGS, dir_fd=parent_fd)
        except FileNotFoundError:
            if not create:
                raise
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                self._refuse_non_directory(parent_fd, name, parts)
            raise
        # Archives need not list parent directories; create them as tar does.
        os.mkdir(name, 0o755, dir_fd=parent_fd)
        return os.open(name, _DIR_PATH_FLAGS, dir_fd=parent_fd)

    @staticmethod
    def _refuse_non_directory(parent_fd: int, name: str, parts: tuple[str, ...]) -> None:
        info = os.lstat(name, dir_fd=parent_fd)
        path = "/".join(parts)
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeArchive(f"refusing to write through the symbolic link {path!r}")
        raise HutchError(f"layer needs {path!r} to be a directory but it is not")

    def _parent(self, parts: tuple[str, ...]) -> int:
        """The parent directory of ``parts``, created if missing; owned by the cache."""
        parent = parts[:-1]
        if self._cached_parent is not None:
            if self._cached_parent[0] == parent:
                return self._cached_parent[1]
            os.close(self._cached_parent[1])
            self._cached_parent = None
        fd = self._open_dir(parent, create=True)
        self._cached_parent = (parent, fd)
        return fd

    def close(self) -> None:
        if self._cached_parent is not None:
            os.close(self._cached_parent[1])
            self._cached_parent = None

    # -- entries ---------------------------------------------------------------

    def apply(self, member: tarfile.TarInfo, archive: tarfile.TarFile) -> None:
        parts = clean_name(member.name)
        try:
            self._apply(member, parts, archive)
        except HutchError:
            raise
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise  # the store is full, not the entry wrong: the caller names the store
            raise HutchError(f"cannot extract {member.name!r}: {exc.strerror or exc}") from exc

    def _apply(
        self, member: tarfile.TarInfo, parts: tuple[str, ...], archive: tarfile.TarFile
    ) -> None:
        if not parts:
            if not member.isdir():
                raise UnsafeArchive(
                    f"refusing tar entry {member.name!r}: it would replace the layer directory"
                )
            self._root_directory(member)
            return
        base = parts[-1]
        if base.startswith(WHITEOUT_PREFIX):
            self._whiteout(member, parts)
            return
        rel = "/".join(parts)
        parent_fd = self._parent(parts)
        if member.isdir():
            self._directory(member, parent_fd, parts)
        elif member.isreg():
            self._regular(member, parent_fd, parts, archive)
        elif member.issym():
            self._symlink(member, parent_fd, parts)
        elif member.islnk():
            if not self._hardlink(member, parent_fd, parts):
                return
        elif member.isfifo() or member.ischr() or member.isblk():
            if not self._special(member, parent_fd, parts):
                return
        else:
            self.skipped.append(f"{rel}: unsupported tar entry type {member.type!r}")
            return
        self._mark_written(parts)

    def _mark_written(self, parts: tuple[str, ...]) -> None:
        if self._whiteouts != "apply":
            return
        self._written.add("/".join(parts))
        for depth in range(1, len(parts)):
            self._written_ancestors.add("/".join(parts[:depth]))

    def _root_directory(self, member: tarfile.TarInfo) -> None:
        self.root_mode = member.mode & 0o7777
        self._set_owner(".", member, fd=self._dest_fd)
        self._set_xattrs(".", member, fd=self._dest_fd)
        self._defer_dir((), member)

    def _directory(self, member: tarfile.TarInfo, parent_fd: int, parts: tuple[str, ...]) -> None:
        name, rel = parts[-1], "/".join(parts)
        existing = _lstat_or_none(name, parent_fd)
        if existing is None or not stat.S_ISDIR(existing.st_mode):
            if existing is not None:
                self._remove(parent_fd, parts, existing)
            # Owner-only until the end, when the real mode is applied.
            os.mkdir(name, 0o700, dir_fd=parent_fd)
        fd = os.open(name, _DIR_READ_FLAGS, dir_fd=parent_fd)
        try:
            self._set_owner(rel, member, fd=fd)
            self._set_xattrs(rel, member, fd=fd)
        finally:
            os.close(fd)
        self._defer_dir(parts, member)

    def _regular(
        self,
        member: tarfile.TarInfo,
        parent_fd: int,
        parts: tuple[str, ...],
        archive: tarfile.TarFile,
    ) -> None:
        name, rel = parts[-1], "/".join(parts)
        self._clear(parent_fd, parts)
        fd = os.open(name, _FILE_CREATE_FLAGS, 0o600, dir_fd=parent_fd)
        try:
            data = archive.extractfile(member)
            if isinstance(data, io.BufferedReader) and member.sparse is not None:
                # The raw reader: the buffered one cannot seek on a stream.
                # typeshed says bytes; tarfile keeps a list of (offset, size).
                regions = cast("list[tuple[int, int]]", member.sparse)
                _write_sparse(fd, data.raw, regions, member.size)
            elif data is not None:
                while chunk := data.read(_CHUNK):
                    write_all(fd, chunk)
            # chown clears set-id bits and file capabilities: mode and
            # xattrs come after it.
            self._set_owner(rel, member, fd=fd)
            os.fchmod(fd, member.mode & 0o7777)
            self._set_xattrs(rel, member, fd=fd)
            os.utime(fd, ns=_times_ns(member))
        finally:
            os.close(fd)
        self.size += member.size

    def _symlink(self, member: tarfile.TarInfo, parent_fd: int, parts: tuple[str, ...]) -> None:
        name, rel = parts[-1], "/".join(parts)
        self._clear(parent_fd, parts)
        # The target may point anywhere: it is never followed here.
        os.symlink(member.linkname, name, dir_fd=parent_fd)
        self._set_owner(rel, member, dir_fd=parent_fd, name=name)
        self._set_xattrs(rel, member, dir_fd=parent_fd, name=name, kind="symlink")
        self._set_times_at(member, parent_fd, name)

    def _hardlink(self, member: tarfile.TarInfo, parent_fd: int, parts: tuple[str, ...]) -> bool:
        name, rel = parts[-1], "/".join(parts)
        try:
            target = clean_name(member.linkname)
        except UnsafeArchive:
            raise UnsafeArchive(
                f"refusing hard link {member.name!r}: its target {member.linkname!r} "
                "is outside the layer directory"
            ) from None
        if not target:
            raise UnsafeArchive(f"refusing hard link {member.name!r} to the layer directory")
        if target == parts:
            return False  # a link to itself: nothing to do
        try:
            target_parent = self._open_dir(target[:-1], create=False)
        except FileNotFoundError:
            raise HutchError(
                f"hard link {member.name!r} points to {member.linkname!r}, which does not exist"
            ) from None
        try:
            self._clear(parent_fd, parts)
            # linkat without AT_SYMLINK_FOLLOW links a symlink itself, so a
            # link to a symlink cannot reach the symlink's target.
            os.link(
                target[-1],
                name,
                src_dir_fd=target_parent,
                dst_dir_fd=parent_fd,
                follow_symlinks=False,
            )
        except FileNotFoundError:
            raise HutchError(
                f"hard link {rel!r} points to {member.linkname!r}, which does not exist"
            ) from None
        finally:
            os.close(target_parent)
        return True

    def _special(self, member: tarfile.TarInfo, parent_fd: int, parts: tuple[str, ...]) -> bool:
        name, rel = parts[-1], "/".join(parts)
        self._clear(parent_fd, parts)
        if member.isfifo():
            os.mkfifo(name, 0o600, dir_fd=parent_fd)
        else:
            kind = stat.S_IFCHR if member.ischr() else stat.S_IFBLK
            device = os.makedev(member.devmajor, member.devminor)
            try:
                os.mknod(name, kind | 0o600, device, dir_fd=parent_fd)
            except PermissionError:
                self.devices_skipped += 1
                self.skipped.append(
                    f"{rel}: device {member.devmajor}:{member.devminor} needs privileges "
                    "to be created"
                )
                return False
        self._set_owner(rel, member, dir_fd=parent_fd, name=name)
        # Just created by us in a directory reached without symlinks, so
        # fchmodat (which follows symlinks) reaches this very node.
        os.chmod(name, member.mode & 0o7777, dir_fd=parent_fd)
        self._set_xattrs(rel, member, dir_fd=parent_fd, name=name, kind="special")
        self._set_times_at(member, parent_fd, name)
        return True

    # -- whiteouts -------------------------------------------------------------

    def _whiteout(self, member: tarfile.TarInfo, parts: tuple[str, ...]) -> None:
        base, rel = parts[-1], "/".join(parts)
        if base == OPAQUE_MARKER:
            self._opaque(parts[:-1])
            return
        if base.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
            # aufs keeps its own metadata under .wh..wh.*; it means nothing here.
            self.skipped.append(f"{rel}: aufs metadata")
            return
        hidden = base[len(WHITEOUT_PREFIX) :]
        if hidden in ("", ".", ".."):
            raise UnsafeArchive(f"refusing whiteout {member.name!r}: it names no entry")
        target = (*parts[:-1], hidden)
        parent_fd = self._parent(target)
        if self._whiteouts == "overlay":
            self._clear(parent_fd, target)
            try:
                os.mknod(hidden, stat.S_IFCHR, os.makedev(0, 0), dir_fd=parent_fd)
            except PermissionError as exc:
                raise HostNotReady(
                    f"cannot create the overlay whiteout for {'/'.join(target)!r}",
                    hint="unprivileged whiteouts need Linux 5.8 or newer",
                ) from exc
            # The entry's time, so that extracting a layer twice gives the same tree.
            self._set_times_at(member, parent_fd, hidden)
            return
        if "/".join(target) in self._written:
            return  # whiteouts hide lower layers only, never the same layer
        self._clear(parent_fd, target)

    def _opaque(self, parts: tuple[str, ...]) -> None:
        path_fd = self._open_dir(parts, create=True)
        try:
            if self._whiteouts == "overlay":
                fd = os.open(".", _DIR_READ_FLAGS, dir_fd=path_fd)
                try:
                    os.setxattr(fd, OVERLAY_OPAQUE_XATTR, b"y")
                finally:
                    os.close(fd)
            else:
                self._purge_lower(path_fd, parts)
        finally:
            os.close(path_fd)

    def _purge_lower(self, dir_fd: int, parts: tuple[str, ...]) -> None:
        """Remove everything under ``parts`` that this layer did not write."""
        for name in _list_dir(dir_fd):
            child = (*parts, name)
            rel = "/".join(child)
            info = os.lstat(name, dir_fd=dir_fd)
            if rel in self._written or rel in self._written_ancestors:
                if stat.S_ISDIR(info.st_mode):
                    sub = os.open(name, _DIR_PATH_FLAGS, dir_fd=dir_fd)
                    try:
                        self._purge_lower(sub, child)
                    finally:
                        os.close(sub)
            else:
                self._remove(dir_fd, child, info)

    # -- replacing and removing ------------------------------------------------

    def _clear(self, parent_fd: int, parts: tuple[str, ...]) -> None:
        """Remove whatever is at ``parts`` so that a new node can take its place."""
        existing = _lstat_or_none(parts[-1], parent_fd)
        if existing is not None:
            self._remove(parent_fd, parts, existing)

    def _remove(self, parent_fd: int, parts: tuple[str, ...], info: os.stat_result) -> None:
        name = parts[-1]
        if not stat.S_ISDIR(info.st_mode):
            os.unlink(name, dir_fd=parent_fd)
            return
        _rmtree_at(name, parent_fd)
        rel = "/".join(parts)
        prefix = rel + "/"
        for key in [k for k in self._dirs if k == rel or k.startswith(prefix)]:
            del self._dirs[key]
        # The cached parent may have been inside what was just removed.
        if self._cached_parent is not None and self._cached_parent[1] != parent_fd:
            os.close(self._cached_parent[1])
            self._cached_parent = None

    # -- metadata --------------------------------------------------------------

    def _set_owner(
        self,
        rel: str,
        member: tarfile.TarInfo,
        *,
        fd: int | None = None,
        dir_fd: int | None = None,
        name: str = "",
    ) -> None:
        uid, gid = member.uid, member.gid
        if self._chown == "none":
            return
        try:
            if fd is not None:
                current = os.fstat(fd)
                if (current.st_uid, current.st_gid) != (uid, gid):
                    os.fchown(fd, uid, gid)
            else:
                current = os.lstat(name, dir_fd=dir_fd)
                if (current.st_uid, current.st_gid) != (uid, gid):
                    os.chown(name, uid, gid, dir_fd=dir_fd, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EINVAL):
                raise
            if self._chown == "ignore":
                return
            raise HostNotReady(
                f"cannot give {rel!r} the owner {uid}:{gid}: {exc.strerror}", hint=_SUBID_HINT
            ) from exc

    def _set_xattrs(
        self,
        rel: str,
        member: tarfile.TarInfo,
        *,
        fd: int | None = None,
        dir_fd: int | None = None,
        name: str = "",
        kind: _Kind = "file",
    ) -> None:
        for key, text in member.pax_headers.items():
            if not key.startswith(_XATTR_PAX_PREFIX):
                continue
            attr = key[len(_XATTR_PAX_PREFIX) :]
            if attr.startswith(_FORBIDDEN_XATTR_PREFIXES):
                self.skipped.append(
                    f"{rel}: xattr {attr} (overlay or hutch metadata is not accepted)"
                )
                continue
            # tarfile decoded the raw value with surrogateescape: this restores it.
            value = text.encode("utf-8", "surrogateescape")
            try:
                if fd is not None:
                    os.setxattr(fd, attr, value)
                else:
                    # No setxattrat before Linux 6.13: name the node through
                    # its parent's descriptor, without following the node.
                    path = f"/proc/self/fd/{dir_fd}/{name}"
                    os.setxattr(path, attr, value, follow_symlinks=False)
            except OSError as exc:
                if not self._may_skip_xattr(attr, exc, kind):
                    raise HutchError(f"cannot set xattr {attr} on {rel!r}: {exc.strerror}") from exc
                self.skipped.append(f"{rel}: xattr {attr} ({exc.strerror})")

    def _may_skip_xattr(self, attr: str, exc: OSError, kind: _Kind) -> bool:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return True  # the file system has no such attributes
        if exc.errno not in (errno.EPERM, errno.EACCES):
            return False
        if attr.startswith("trusted.") or kind != "file":
            return True  # trusted.* needs real root; user.* is refused on links and devices
        return self._chown != "strict"

    def _set_times_at(self, member: tarfile.TarInfo, dir_fd: int, name: str) -> None:
        os.utime(name, ns=_times_ns(member), dir_fd=dir_fd, follow_symlinks=False)

    def _defer_dir(self, parts: tuple[str, ...], member: tarfile.TarInfo) -> None:
        atime_ns, mtime_ns = _times_ns(member)
        self._dirs["/".join(parts)] = _DirMeta(parts, member.mode & 0o7777, atime_ns, mtime_ns)

    def finish(self) -> None:
        """Apply directory modes and times, deepest first."""
        self.close()
        for meta in sorted(self._dirs.values(), key=lambda m: len(m.parts), reverse=True):
            try:
                with self._readable_dir(meta.parts) as fd:
                    os.fchmod(fd, meta.mode)
                    os.utime(fd, ns=(meta.atime_ns, meta.mtime_ns))
            except OSError as exc:
                raise HutchError(
                    f"cannot set the mode and times of {'/'.join(meta.parts)!r}: {exc.strerror}"
                ) from exc

    @contextmanager
    def _readable_dir(self, parts: tuple[str, ...]) -> Iterator[int]:
        if not parts:
            yield self._dest_fd
            return
        parent = self._open_dir(parts[:-1], create=False)
        try:
            fd = os.open(parts[-1], _DIR_READ_FLAGS, dir_fd=parent)
        finally:
            os.close(parent)
        try:
            yield fd
        finally:
            os.close(fd)


def _list_dir(path_fd: int) -> list[str]:
    # listdir needs a readable descriptor; an O_PATH one cannot be read.
    fd = os.open(".", _DIR_READ_FLAGS, dir_fd=path_fd)
    try:
        return sorted(os.listdir(fd))
    finally:
        os.close(fd)


def _rmtree_at(name: str, parent_fd: int) -> None:
    """Remove the directory ``name`` under ``parent_fd`` and all it holds.

    Walks by descriptors and never follows a symlink, so that an archive cannot
    make it remove anything outside the tree (``shutil.rmtree`` takes
    ``dir_fd`` only from Python 3.11).
    """
    for _top, dirs, files, top_fd in os.fwalk(name, topdown=False, dir_fd=parent_fd):
        for entry in files:
            os.unlink(entry, dir_fd=top_fd)
        for entry in dirs:
            # fwalk lists a symlink to a directory among the directories.
            try:
                os.rmdir(entry, dir_fd=top_fd)
            except NotADirectoryError:
                os.unlink(entry, dir_fd=top_fd)
    os.rmdir(name, dir_fd=parent_fd)


def _lstat_or_none(name: str, dir_fd: int) -> os.stat_result | None:
    try:
        return os.lstat(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return None


def _write_sparse(fd: int, data: io.RawIOBase, regions: list[tuple[int, int]], size: int) -> None:
    """Write only the data regions of a GNU sparse member; the holes stay holes.

    tarfile's reader fills the holes with zeros: copied as they are, a 10 KB
    archive of a sparse file would take its full apparent size on disk.
    Regions come in ascending order, so a streamed archive is read forwards.
    """
    for offset, length in regions:
        data.seek(offset)
        os.lseek(fd, offset, os.SEEK_SET)
        left = length
        while left > 0 and (chunk := data.read(min(left, _CHUNK))):
            write_all(fd, chunk)
            left -= len(chunk)
    os.ftruncate(fd, size)

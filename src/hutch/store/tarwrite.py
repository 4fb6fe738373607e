"""Write a directory (a container's overlay upper dir, or any tree) as a layer tar.

The output is deterministic: the same tree gives the same bytes, so that
rebuilding an image gives the same diff ids. Entries are sorted by path,
owners are numeric only, times can be clamped (``SOURCE_DATE_EPOCH``), and
extended headers use the PAX format.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from hutch.store.tarextract import OPAQUE_MARKER, WHITEOUT_PREFIX

Source = Literal["overlay-upper", "plain"]

_XATTR_PAX_PREFIX = "SCHILY.xattr."
_OPAQUE_XATTRS = ("user.overlay.opaque", "trusted.overlay.opaque")
_WHITEOUT_MODE = 0o600
_BOOKKEEPING = ("user.overlay.", "user.fuseoverlayfs.", "user.hutch.")


@dataclass(frozen=True)
class WriteResult:
    diff_id: str
    """``sha256:<hex>`` of the tar bytes written."""
    size: int
    """Number of tar bytes written."""


class _UnpaddedTar(tarfile.TarFile):
    """Ends with the two zero blocks only, as Go's archive/tar (podman's layers) does:
    Python pads the archive to 10 KiB records, which made an empty commit's layer 10240
    bytes where podman's is 1024 (the size ``history`` shows)."""

    def close(self) -> None:
        state = vars(self)  # TarFile's own flags, which typeshed does not declare
        if state.get("closed", True):
            return
        state["closed"] = True
        fileobj = self.fileobj
        if fileobj is None:
            return
        try:
            if self.mode in ("a", "w", "x"):
                fileobj.write(tarfile.NUL * (tarfile.BLOCKSIZE * 2))
        finally:
            if not state.get("_extfileobj"):
                fileobj.close()


@dataclass(frozen=True)
class _Node:
    rel: str
    path: str
    info: os.stat_result


def write_layer_tar(
    src: Path,
    out: BinaryIO,
    *,
    source: Source = "plain",
    clamp_mtime: int | None = None,
    exclude: Callable[[str], bool] | None = None,
) -> WriteResult:
    """Write the tree under ``src`` to ``out`` as an uncompressed layer tar.

    With ``source="overlay-upper"``, overlayfs whiteouts (character devices
    0/0) become ``.wh.NAME`` entries and opaque directories get a
    ``.wh..wh..opq`` entry. ``exclude`` receives each relative path (no
    leading ``./``, no trailing ``/``); a true answer leaves out the entry and,
    for a directory, everything below it.
    """
    nodes = _collect(str(src), exclude)
    sink = _HashingWriter(out)
    with _UnpaddedTar.open(
        fileobj=sink,
        mode="w|",
        format=tarfile.PAX_FORMAT,
        encoding="utf-8",
        errors="surrogateescape",
    ) as archive:
        writer = _EntryWriter(archive, source, clamp_mtime)
        for node in nodes:
            writer.add(node)
    return WriteResult(diff_id=sink.digest, size=sink.count)


def _collect(root: str, exclude: Callable[[str], bool] | None) -> list[_Node]:
    nodes: list[_Node] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as entries:
            for entry in entries:
                child = f"{rel}/{entry.name}" if rel else entry.name
                if exclude is not None and exclude(child):
                    continue
                info = entry.stat(follow_symlinks=False)
                nodes.append(_Node(child, entry.path, info))
                if stat.S_ISDIR(info.st_mode):
                    pending.append(child)
    # Byte order of the path: a parent is a prefix of its children, so it
    # always comes first, and the order does not depend on the locale.
    nodes.sort(key=lambda node: os.fsencode(node.rel))
    return nodes


class _EntryWriter:
    """Turns each node into one or two tar entries, remembering hard links."""

    def __init__(self, archive: tarfile.TarFile, source: Source, clamp_mtime: int | None) -> None:
        self._archive = archive
        self._overlay = source == "overlay-upper"
        self._clamp = clamp_mtime
        self._first_paths: dict[tuple[int, int], str] = {}
        self._markers: set[str] = set()

    def add(self, node: _Node) -> None:
        info = node.info
        if stat.S_ISSOCK(info.st_mode):
            return  # tar cannot hold sockets; they are recreated at run time anyway
        if self._overlay and stat.S_ISCHR(info.st_mode) and info.st_rdev == 0:
            self._add_marker(node, _whiteout_name(node.rel))
            return
        if self._overlay and node.rel.rpartition("/")[2] == OPAQUE_MARKER:
            return  # fuse-overlayfs's mark of an opaque directory: written with it, once
        entry = self._header(node)
        if not stat.S_ISDIR(info.st_mode) and info.st_nlink > 1:
            key = (info.st_dev, info.st_ino)
            first = self._first_paths.get(key)
            if first is not None:
                entry.type = tarfile.LNKTYPE
                entry.linkname = first
                entry.size = 0
                self._archive.addfile(entry)
                return
            self._first_paths[key] = node.rel
        if entry.isreg():
            fd = os.open(node.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as data:
                self._archive.addfile(entry, data)
        else:
            self._archive.addfile(entry)
        if self._overlay and stat.S_ISDIR(info.st_mode) and _is_opaque(node.path):
            self._add_marker(node, f"{node.rel}/{OPAQUE_MARKER}")

    def _add_marker(self, node: _Node, name: str) -> None:
        """A marker entry, once: fuse-overlayfs marks an opaque directory three ways (a
        ``.wh..wh..opq`` file, a 0/0 device ``.wh..opq``, its own xattr)."""
        if name not in self._markers:
            self._markers.add(name)
            self._archive.addfile(self._marker(node, name))

    def _header(self, node: _Node) -> tarfile.TarInfo:
        info = node.info
        entry = tarfile.TarInfo(node.rel)
        entry.mode = stat.S_IMODE(info.st_mode)
        entry.uid, entry.gid = info.st_uid, info.st_gid
        entry.uname = entry.gname = ""
        entry.mtime = self._mtime(info)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            entry.type = tarfile.DIRTYPE  # tarfile adds the trailing "/"
        elif stat.S_ISREG(mode):
            entry.type = tarfile.REGTYPE
            entry.size = info.st_size
        elif stat.S_ISLNK(mode):
            entry.type = tarfile.SYMTYPE
            entry.linkname = os.readlink(node.path)
        elif stat.S_ISFIFO(mode):
            entry.type = tarfile.FIFOTYPE
        else:
            entry.type = tarfile.CHRTYPE if stat.S_ISCHR(mode) else tarfile.BLKTYPE
            entry.devmajor = os.major(info.st_rdev)
            entry.devminor = os.minor(info.st_rdev)
        entry.pax_headers = _xattr_records(node.path)
        return entry

    def _marker(self, node: _Node, name: str) -> tarfile.TarInfo:
        """An empty regular file standing for a whiteout or an opaque directory."""
        entry = tarfile.TarInfo(name)
        entry.type = tarfile.REGTYPE
        entry.mode = _WHITEOUT_MODE
        entry.uid, entry.gid = node.info.st_uid, node.info.st_gid
        entry.uname = entry.gname = ""
        entry.mtime = self._mtime(node.info)
        return entry

    def _mtime(self, info: os.stat_result) -> int:
        seconds = info.st_mtime_ns // 1_000_000_000
        return seconds if self._clamp is None else min(seconds, self._clamp)


def _whiteout_name(rel: str) -> str:
    parent, _, name = rel.rpartition("/")
    whiteout = WHITEOUT_PREFIX + name
    return f"{parent}/{whiteout}" if parent else whiteout


def _is_opaque(path: str) -> bool:
    for attr in (*_OPAQUE_XATTRS, "user.fuseoverlayfs.opaque"):
        try:
            if os.getxattr(path, attr, follow_symlinks=False) == b"y":
                return True
        except OSError:
            continue  # absent, or trusted.* is invisible to an unprivileged reader
    # fuse-overlayfs (a build step's or container's id-mapped rootfs) marks one with
    # a file of the tar's marker name besides its own xattr
    return os.path.lexists(os.path.join(path, OPAQUE_MARKER))


def _wanted_xattr(attr: str) -> bool:
    if attr == "security.capability":
        return True
    # user.overlay.* is overlayfs's own bookkeeping, user.fuseoverlayfs.* fuse-overlayfs's,
    # user.hutch.* hutch's (runtime/userns_copy.py's marks): never part of a layer.
    return attr.startswith("user.") and not attr.startswith(_BOOKKEEPING)


def _xattr_records(path: str) -> dict[str, str]:
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}  # the file system has no xattrs
    records: dict[str, str] = {}
    for attr in sorted(a for a in names if _wanted_xattr(a)):
        try:
            value = os.getxattr(path, attr, follow_symlinks=False)
        except OSError:
            continue
        # tarfile writes surrogate-escaped values back as the raw bytes.
        records[_XATTR_PAX_PREFIX + attr] = value.decode("utf-8", "surrogateescape")
    return records


class _HashingWriter:
    """Forward writes to ``out`` and keep their sha256 and byte count."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.count = 0

    def write(self, data: bytes, /) -> int:
        self._out.write(data)
        self._hash.update(data)
        self.count += len(data)
        return len(data)

    def tell(self) -> int:
        return self.count

    def read(self, size: int, /) -> bytes:
        raise io.UnsupportedOperation("write-only stream")

    def seek(self, pos: int, /) -> int:
        raise io.UnsupportedOperation("write-only stream")

    def close(self) -> None:
        """The caller owns ``out``; closing the tar must not close it."""

    @property
    def digest(self) -> str:
        return f"sha256:{self._hash.hexdigest()}"

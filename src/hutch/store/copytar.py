"""Copying a tree through a tar stream: the two halves of ``hutch cp`` and ``export``.

The *producer* archives one source path (a file or a directory) with its
base name as the top entry; the *consumer* reads that stream on the other
side and decides where the top entry lands with Docker's rules (``plan_target``).
Each half runs where its files are: in the parent for the host, in a child
chrooted into the container's root for a container, so that a symlink in
the container can never lead either half outside that root.

Everything the halves need is imported at module load: a child that has
chrooted into a container can no longer import from the host.
"""

from __future__ import annotations

# bz2, lzma, zlib: tarfile imports them when it meets a compressed stream; after a chroot into
# a container it no longer could.
import bz2  # noqa: F401
import contextlib
import lzma  # noqa: F401
import os
import posixpath
import shutil
import stat
import sys
import tarfile
import zlib  # noqa: F401
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from hutch.api.errors import HutchError, InvalidArgument, UnsafeArchive
from hutch.store import gotar_headers

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

DestKind = Literal["missing", "dir", "file"]


@dataclass(frozen=True)
class Owner:
    """Ownership given to every extracted entry (``None``: keep the tar's ids)."""

    uid: int
    gid: int


@dataclass(frozen=True)
class SourcePath:
    """A source as given: the path, and whether it ends in ``/.`` (contents only)."""

    path: str
    contents_only: bool

    @classmethod
    def parse(cls, text: str) -> SourcePath:
        contents_only = text == "." or text.endswith("/.")
        path = text[:-2] if text.endswith("/.") else text
        return cls(path or "/", contents_only)


def plan_target(
    dest: str,
    dest_kind: DestKind,
    *,
    src_is_dir: bool,
    basename: str,
    contents_only: bool,
    overwrite: bool,
) -> str:
    """Where the source's top entry lands (Docker's and podman's ``cp`` rules)."""
    if dest_kind == "missing" and dest.endswith("/"):
        raise DestMissing(dest)  # a path ending in / names a directory that must exist
    if not src_is_dir:
        return posixpath.join(dest, basename) if dest_kind == "dir" else dest
    if dest_kind == "missing":
        return dest
    if dest_kind == "file":
        if overwrite:
            return dest
        raise InvalidArgument("destination must be a directory when copying a directory")
    return dest if contents_only else posixpath.join(dest, basename)


def dest_kind(path: str) -> DestKind:
    """What the destination is, following symlinks (the caller's root bounds them)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError as exc:
        raise DestMissing(path, not_dir=True) from exc
    return "dir" if stat.S_ISDIR(info.st_mode) else "file"


# -- producer ------------------------------------------------------------------


class DestMissing(InvalidArgument):
    """The destination, or the directory it would land in, is not there (the caller
    says where it looked, in podman's words); ``not_dir``: a component is a file."""

    def __init__(self, dest: str, *, not_dir: bool = False) -> None:
        super().__init__(f"{dest}: {'not a directory' if not_dir else 'no such file or directory'}")
        self.dest = dest
        self.not_dir = not_dir


class SourceMissing(InvalidArgument):
    """The path a copy reads from is not there (the caller says where it looked)."""


def write_source_tar(
    source: SourcePath,
    out: BinaryIO,
    *,
    top_name: str | None = None,
    skip_below: Collection[str] = (),
    follow_link: bool = True,
    storage_headers: bool = False,
) -> None:
    """Archive ``source`` to ``out``; the top entry is named ``top_name`` or its base name.

    The final component is followed when it is a symlink (as podman's ``cp``
    does; docker's only with ``-L``: ``follow_link`` False archives the link
    itself); nothing below it is. ``skip_below`` lists directories whose
    contents are left out (mount points of a running container, for ``export``).
    ``storage_headers``: headers as podman's export writes them (gotar_headers:
    type bits in the mode, owner names from the source's /etc/passwd and /etc/group).
    """
    path = source.path
    keep_link = not follow_link and not source.contents_only and os.path.islink(path)
    try:
        info = os.lstat(path) if keep_link else os.stat(path)
    except FileNotFoundError as exc:
        raise SourceMissing(f"{path}: no such file or directory") from exc
    if source.contents_only and not stat.S_ISDIR(info.st_mode):
        raise InvalidArgument(f"{path}: not a directory (a source ending in /. must be one)")
    if keep_link:  # the link's own directory may be a symlink: resolve only that
        parent, base = posixpath.split(path.rstrip("/"))
        real = posixpath.join(os.path.realpath(parent or "."), base)
    else:
        real = os.path.realpath(path)
    given = posixpath.basename(path.rstrip("/")) or posixpath.basename(real) or "."
    name = top_name if top_name is not None else given
    new_entry = _storage_entries(real) if storage_headers else _plain_entry
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        _add_tree(archive, real, name, frozenset(skip_below), new_entry)


_NewEntry = Callable[[str, os.stat_result], tarfile.TarInfo]


def _plain_entry(name: str, info: os.stat_result) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def _storage_entries(root: str) -> _NewEntry:
    users = gotar_headers.id_names(root, "etc/passwd")
    groups = gotar_headers.id_names(root, "etc/group")

    def new_entry(name: str, info: os.stat_result) -> tarfile.TarInfo:
        entry = gotar_headers.TypedModeTarInfo(name)
        entry.full_mode = info.st_mode
        entry.uname = users.get(info.st_uid, "")
        entry.gname = groups.get(info.st_gid, "")
        return entry

    return new_entry


def _add_tree(
    archive: tarfile.TarFile,
    path: str,
    arcname: str,
    skip: frozenset[str],
    new_entry: _NewEntry = _plain_entry,
) -> None:
    links: dict[tuple[int, int], str] = {}
    pending = [(path, arcname)]
    while pending:
        current, name = pending.pop()
        try:
            is_dir = _add_one(archive, current, name, links, new_entry)
        except PermissionError as exc:
            # As podman: a file the session cannot read (a host device bound
            # into a running container) is left out rather than failing the copy.
            print(f"WARN: {current}: {exc.strerror}; left out", file=sys.stderr)
            continue
        if not is_dir or current in skip:
            continue
        try:
            names = sorted(os.listdir(current), reverse=True)
        except PermissionError:
            continue
        for child in names:
            child_arc = child if name == "." else f"{name}/{child}"
            pending.append((os.path.join(current, child), child_arc))


def _add_one(
    archive: tarfile.TarFile,
    path: str,
    name: str,
    links: dict[tuple[int, int], str],
    new_entry: _NewEntry,
) -> bool:
    """Add one entry (never following a symlink); True if it is a directory to descend.

    Built from ``lstat`` alone: ``tarfile.gettarinfo`` would look names up
    through NSS, which inside a container's root could load the container's
    own libraries into this process.
    """
    info = os.lstat(path)
    mode = info.st_mode
    entry = new_entry(name, info)
    entry.mode = stat.S_IMODE(mode)
    entry.uid, entry.gid = info.st_uid, info.st_gid
    entry.mtime = int(info.st_mtime)
    if stat.S_ISDIR(mode):
        entry.type = tarfile.DIRTYPE
        if name != ".":
            archive.addfile(entry)
        return True
    if stat.S_ISREG(mode):
        key = (info.st_dev, info.st_ino)
        if info.st_nlink > 1 and key in links:
            entry.type = tarfile.LNKTYPE
            entry.linkname = links[key]
            archive.addfile(entry)
            return False
        links[key] = name
        entry.size = info.st_size
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as data:
            archive.addfile(entry, data)
        return False
    if stat.S_ISLNK(mode):
        entry.type = tarfile.SYMTYPE
        entry.linkname = os.readlink(path)
    elif stat.S_ISFIFO(mode):
        entry.type = tarfile.FIFOTYPE
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        entry.type = tarfile.CHRTYPE if stat.S_ISCHR(mode) else tarfile.BLKTYPE
        entry.devmajor, entry.devminor = os.major(info.st_rdev), os.minor(info.st_rdev)
    else:
        return False  # sockets: tar cannot hold them
    archive.addfile(entry)
    return False


# -- consumer ------------------------------------------------------------------


def extract_copy(
    src: BinaryIO,
    dest: str,
    *,
    contents_only: bool,
    overwrite: bool,
    owner: Owner | None,
) -> None:
    """Extract a stream made by ``write_source_tar`` so that its top entry lands per ``dest``."""
    with _reading(src, "r|") as archive:
        first = archive.next()
        if first is None:
            raise HutchError("the source produced no files")
        top = _clean(first.name)
        kind = dest_kind(dest)
        if kind == "missing":
            parent = posixpath.dirname(dest.rstrip("/")) or "."
            if not os.path.isdir(parent):
                raise DestMissing(dest)
        target = plan_target(
            dest,
            kind,
            src_is_dir=first.isdir(),
            basename=posixpath.basename(top) or "root",
            contents_only=contents_only,
            overwrite=overwrite,
        )
        writer = _Writer(_landing(target, first.isdir()), owner, overwrite, rename=top)
        member: tarfile.TarInfo | None = first
        while member is not None:
            writer.write(archive, member)
            member = archive.next()
        writer.finish()


def _landing(target: str, is_dir: bool) -> str:
    """The real path of ``target``; a final symlink is followed only to merge directories.

    Anything else that is a symlink there is replaced, never written through.
    """
    if is_dir and os.path.isdir(target):
        return os.path.realpath(target)
    parent, name = posixpath.split(target.rstrip("/"))
    return posixpath.join(os.path.realpath(parent or "."), name)


def extract_into_dir(src: BinaryIO, dest: str, *, overwrite: bool, owner: Owner | None) -> None:
    """Extract an arbitrary tar (``cp - CTR:DIR``) into the existing directory ``dest``."""
    kind = dest_kind(dest)
    if kind == "missing" and dest.endswith("/"):
        raise DestMissing(dest)
    if kind != "dir":
        raise InvalidArgument("destination must be a directory when copying from stdin")
    writer = _Writer(os.path.realpath(dest), owner, overwrite, rename=None)
    not_a_tar = "source must be a (compressed) tar archive when copying from stdin"
    with _reading(src, "r|*", not_a_tar) as archive:
        for member in archive:
            writer.write(archive, member)
    writer.finish()


@contextlib.contextmanager
def _reading(src: BinaryIO, mode: str, not_a_tar: str = "") -> Iterator[tarfile.TarFile]:
    """A tar stream being read; a damaged or empty one is an error of the copy
    (``not_a_tar``: the words for a stream that does not start as a tar at all)."""
    try:
        # opened apart from the reading so that its failure alone gets not_a_tar
        archive = tarfile.open(fileobj=src, mode=mode)  # type: ignore[call-overload]  # noqa: SIM115
    except tarfile.TarError as exc:
        raise HutchError(not_a_tar or f"reading the tar stream: {exc}") from exc
    try:
        with archive:
            yield archive
    except tarfile.TarError as exc:
        raise HutchError(f"reading the tar stream: {exc}") from exc


def _clean(name: str) -> str:
    """A member name as a relative path; refuse absolute names and ``..``."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(f"tar entry {name!r} leaves the destination")
    return "/".join(parts)


class _Writer:
    """Creates tar members below ``base``, never writing through a symlink below it."""

    def __init__(self, base: str, owner: Owner | None, overwrite: bool, rename: str | None):
        self._base = base
        self._owner = owner
        self._overwrite = overwrite
        self._rename = rename
        self._dirs: list[tuple[str, tarfile.TarInfo]] = []

    def _target(self, name: str) -> str | None:
        rel = _clean(name)
        if self._rename is not None:
            if rel == self._rename:
                rel = ""
            elif rel.startswith(self._rename + "/"):
                rel = rel[len(self._rename) + 1 :]
            elif self._rename:
                return None  # not below the top entry: a producer never makes one
        return posixpath.join(self._base, rel) if rel else self._base

    def write(self, archive: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        path = self._target(member.name)
        if path is None:
            return
        self._check_parents(path)
        existing = _lstat(path)
        if existing is not None:
            self._make_room(path, existing, member)
        if member.isdir():
            if existing is None or not stat.S_ISDIR(existing.st_mode):
                os.mkdir(path, 0o700)
                self._dirs.append((path, member))
            return
        if member.isreg():
            self._write_file(archive, member, path, existing)
        elif member.issym():
            os.symlink(member.linkname, path)
        elif member.islnk():
            source = self._target(member.linkname)
            if source is None:
                raise UnsafeArchive(f"hard link {member.name!r} points outside the copy")
            self._check_parents(source)
            os.link(source, path, follow_symlinks=False)
            return  # a hard link shares its target's metadata
        elif member.isfifo():
            os.mkfifo(path, 0o600)
        elif member.ischr() or member.isblk():
            kind = stat.S_IFCHR if member.ischr() else stat.S_IFBLK
            try:
                os.mknod(path, kind | 0o600, os.makedev(member.devmajor, member.devminor))
            except PermissionError:
                print(
                    f"WARN: {member.name}: cannot create a device node; left out", file=sys.stderr
                )
                return
        else:
            return
        self._metadata(path, member)

    def finish(self) -> None:
        # Directory modes and times last: writing into them changed their mtime,
        # and a read-only mode would have stopped the writes.
        for path, member in reversed(self._dirs):
            self._metadata(path, member)

    def _check_parents(self, path: str) -> None:
        if path == self._base:
            return
        rel = os.path.relpath(os.path.dirname(path), self._base)
        if rel == ".":
            return
        current = self._base
        for part in rel.split("/"):
            current = os.path.join(current, part)
            info = _lstat(current)
            if info is None:
                # A tar need not list the parents of its entries (tar -T lists).
                os.mkdir(current, 0o755)
                if self._owner is not None:
                    os.lchown(current, self._owner.uid, self._owner.gid)
                continue
            if not stat.S_ISDIR(info.st_mode):
                raise UnsafeArchive(f"{current} is not a directory: refusing to write below it")

    def _make_room(self, path: str, existing: os.stat_result, member: tarfile.TarInfo) -> None:
        is_dir = stat.S_ISDIR(existing.st_mode)
        if member.isdir() and is_dir:
            return
        if (is_dir or member.isdir()) and not self._overwrite:
            what = "directory" if is_dir else "non-directory"
            with_ = "non-directory" if is_dir else "directory"
            raise InvalidArgument(f"cannot overwrite {what} {path} with {with_} (use --overwrite)")
        if is_dir:
            shutil.rmtree(path)
        else:
            # Replace, never write through: the old entry may be a symlink or
            # a hard link shared with another file.
            os.unlink(path)

    def _write_file(
        self,
        archive: tarfile.TarFile,
        member: tarfile.TarInfo,
        path: str,
        existing: os.stat_result | None,
    ) -> None:
        del existing
        data = archive.extractfile(member)
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        with os.fdopen(fd, "wb") as out:
            if data is not None:
                shutil.copyfileobj(data, out, 1 << 20)

    def _metadata(self, path: str, member: tarfile.TarInfo) -> None:
        if self._owner is not None:
            uid, gid = self._owner.uid, self._owner.gid
        else:
            uid, gid = member.uid, member.gid
        with contextlib.suppress(OSError):
            os.lchown(path, uid, gid)
        if not member.issym():
            # chmod after chown: chown clears the set-id bits.
            os.chmod(path, member.mode & 0o7777)
        with contextlib.suppress(OSError):
            os.utime(path, (member.mtime, member.mtime), follow_symlinks=False)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise UnsafeArchive(f"{path}: a parent is not a directory") from exc

"""Carrying out COPY and ADD inside a mounted root file system.

The caller mounts the step's root (lower layers + a fresh upper dir) and
passes its path; every container path is resolved with
:func:`resolve_in_root`, so a symlink in the image can never send a file
outside the root. Docker's rules: a directory source copies its contents;
a destination ending in ``/`` (or several sources) is a directory; new files
belong to 0:0 unless ``--chown`` says otherwise; modes and times are kept
unless ``--chmod`` gives a mode.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Sequence
from dataclasses import dataclass

from hutch.api.errors import HutchError, InvalidArgument
from hutch.build.ignore import IgnoreMatcher
from hutch.build.sources import Source, walk
from hutch.runtime.paths_in_root import resolve_in_root

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import BinaryIO

MULTI_SOURCE_ERROR = (
    "when using COPY with more than one source file, the destination must be a directory "
    "and end with a /"
)


@dataclass(frozen=True)
class Owner:
    uid: int
    gid: int


@dataclass(frozen=True)
class CopyRules:
    owner: Owner | None = None  # None: 0:0 for the context, kept for --from
    keep_owner: bool = False
    mode: int | None = None


def parse_chmod(text: str) -> int:
    """``--chmod`` as an octal mode (``755``, ``0644``)."""
    try:
        mode = int(text, 8)
    except ValueError:
        raise InvalidArgument(f"invalid --chmod {text!r}: expected an octal mode") from None
    if mode > 0o7777:
        raise InvalidArgument(f"invalid --chmod {text!r}: expected an octal mode")
    return mode


def parse_chown(spec: str, root: str) -> Owner:
    """``--chown user[:group]`` with names looked up in the image's passwd/group files.

    Without a group, the user's uid doubles as the gid (as Docker documents).
    """
    user, _, group = spec.partition(":")
    if not user:
        raise InvalidArgument(f"invalid --chown {spec!r}: no user")
    uid = _lookup(root, "/etc/passwd", user, "user")
    gid = _lookup(root, "/etc/group", group, "group") if group else uid
    return Owner(uid, gid)


def _lookup(root: str, db: str, name: str, what: str) -> int:
    if name.isdigit():
        return int(name)
    try:
        with open(resolve_in_root(root, db), errors="replace") as f:
            for line in f:
                entry = line.rstrip("\n").split(":")
                if len(entry) >= 3 and entry[0] == name and entry[2].isdigit():
                    return int(entry[2])
    except OSError:
        pass
    raise HutchError(f"--chown: unable to find {what} {name}: no matching entries in {db}")


def container_dest(dest: str, workdir: str) -> str:
    """The absolute, cleaned container path of a destination (relative to WORKDIR)."""
    base = dest if dest.startswith("/") else posixpath.join(workdir or "/", dest)
    return posixpath.normpath("/" + base.lstrip("/"))


def names_directory(dest: str) -> bool:
    return dest.endswith("/") or dest in (".", "..") or dest.endswith("/.")


def plan_targets(
    root: str, sources: Sequence[Source], dest: str, workdir: str, *, several: bool
) -> list[tuple[Source, str]]:
    """(source, container path) pairs: where each source lands (a directory's contents
    land in the path itself)."""
    dest_path = container_dest(dest, workdir)
    if any(source.keep is not None for source in sources):
        # COPY --parents: each source lands at its kept path below the destination.
        out = []
        for source in sources:
            kept = source.keep if source.keep is not None else source.name
            out.append((source, posixpath.join(dest_path, kept) if kept else dest_path))
        return out
    into_dir = names_directory(dest)
    if not into_dir and (several or len(sources) > 1):
        if not os.path.isdir(resolve_in_root(root, dest_path)):
            raise InvalidArgument(MULTI_SOURCE_ERROR)
        into_dir = True
    if not into_dir:
        into_dir = os.path.isdir(resolve_in_root(root, dest_path))
    out = []
    for source in sources:
        if source.is_dir or not into_dir:
            out.append((source, dest_path))
        else:
            out.append((source, posixpath.join(dest_path, source.name)))
    return out


def ensure_dir(root: str, path: str, owner: Owner | None) -> str:
    """Create the container directory ``path`` and its missing parents; its host path."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = posixpath.join(current, part)
        host = resolve_in_root(root, current)
        if os.path.isdir(host):
            continue
        if os.path.lexists(host):
            raise HutchError(f"cannot copy to {current}: it exists and is not a directory")
        os.mkdir(host, 0o755)
        os.chmod(host, 0o755)
        uid, gid = (owner.uid, owner.gid) if owner else (0, 0)
        os.lchown(host, uid, gid)
    return resolve_in_root(root, path)


def copy_sources(
    root: str,
    targets: Sequence[tuple[Source, str]],
    rules: CopyRules,
    ignore: IgnoreMatcher | None = None,
    exclude: IgnoreMatcher | None = None,
) -> None:
    for source, dest in targets:
        if source.is_dir:
            ensure_dir(root, dest, rules.owner)
            deferred: list[tuple[str, os.stat_result]] = []
            for entry in walk(source, ignore, exclude):
                path = posixpath.join(dest, entry.rel)
                if "/" in entry.rel and not os.path.isdir(
                    resolve_in_root(root, posixpath.dirname(path))
                ):
                    # an ignore exception re-included a file below an excluded directory
                    ensure_dir(root, posixpath.dirname(path), rules.owner)
                target = _host_target(root, path)
                _place(entry.path, target, entry.info, rules, deferred)
            for path, info in reversed(deferred):
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        else:
            parent = ensure_dir(root, posixpath.dirname(dest), rules.owner)
            target = os.path.join(parent, posixpath.basename(dest))
            _place(source.path, target, os.stat(source.path), rules, [])


def write_file(
    root: str, dest: str, data: bytes, *, mode: int, rules: CopyRules, mtime: float | None = None
) -> None:
    """A file made from bytes (a heredoc, a download) at container path ``dest``."""
    parent = ensure_dir(root, posixpath.dirname(dest), rules.owner)
    target = os.path.join(parent, posixpath.basename(dest))
    _clear(target, is_dir=False)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    owner = rules.owner or Owner(0, 0)
    os.lchown(target, owner.uid, owner.gid)
    os.chmod(target, rules.mode if rules.mode is not None else mode)
    if mtime is not None:
        os.utime(target, (mtime, mtime))


def _host_target(root: str, path: str) -> str:
    parent = resolve_in_root(root, posixpath.dirname(path))
    return os.path.join(parent, posixpath.basename(path))


def _clear(target: str, *, is_dir: bool) -> None:
    """Make room for a new node at ``target``; an existing directory stays for a directory."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        if not is_dir:
            raise HutchError(f"cannot replace directory {target} with a file")
        return
    os.unlink(target)


def _place(
    src: str,
    target: str,
    info: os.stat_result,
    rules: CopyRules,
    deferred: list[tuple[str, os.stat_result]],
) -> None:
    mode = info.st_mode
    is_dir = stat.S_ISDIR(mode)
    _clear(target, is_dir=is_dir)
    if is_dir:
        if not os.path.isdir(target):
            os.mkdir(target, 0o700)
        deferred.append((target, info))
    elif stat.S_ISREG(mode):
        import shutil  # a cached COPY copies nothing: its import (bz2, lzma) waits for a file

        shutil.copyfile(src, target, follow_symlinks=False)
    elif stat.S_ISLNK(mode):
        os.symlink(os.readlink(src), target)
    elif stat.S_ISFIFO(mode):
        os.mkfifo(target, 0o600)
    else:
        os.mknod(target, mode, info.st_rdev)
    if rules.owner is not None:
        uid, gid = rules.owner.uid, rules.owner.gid
    elif rules.keep_owner:
        uid, gid = info.st_uid, info.st_gid
    else:
        uid, gid = 0, 0
    os.lchown(target, uid, gid)
    if not stat.S_ISLNK(mode):
        os.chmod(target, rules.mode if rules.mode is not None else stat.S_IMODE(mode))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


_BZIP2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"


def is_archive(path: str) -> bool:
    """gzip, zstd, bzip2, xz or a plain tar, by content (ADD extracts these).

    A bzip2 or xz file counts only when what it holds is a tar: a compressed
    single file is copied as it is.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(512)
        if head.startswith(b"\x1f\x8b") or head.startswith(b"\x28\xb5\x2f\xfd"):
            return True
        if head.startswith((_BZIP2_MAGIC, _XZ_MAGIC)):
            with _decompressed(path, head) as inner:
                head = inner.read(512)
    except (OSError, EOFError, ValueError):
        return False
    return _is_tar_header(head)


def _is_tar_header(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _decompressed(path: str, head: bytes) -> BinaryIO:
    """A reader of the bzip2 or xz file ``path`` (whose first bytes are ``head``)."""
    if head.startswith(_BZIP2_MAGIC):
        import bz2

        return bz2.open(path, "rb")  # type: ignore[return-value]  # a BinaryIO in practice
    import lzma

    return lzma.open(path, "rb")  # type: ignore[return-value]


def extract_archive(root: str, archive: str, dest: str) -> None:
    """ADD of a local archive: its entries land below container directory ``dest``."""
    from pathlib import Path

    from hutch.store.tarextract import extract_layer

    host = ensure_dir(root, dest, None)
    with open(archive, "rb") as f:
        head = f.read(8)
    if head.startswith((_BZIP2_MAGIC, _XZ_MAGIC)):
        try:
            with _decompressed(archive, head) as stream:
                extract_layer(stream, Path(host), whiteouts="apply", chown="ignore")
        except (EOFError, ValueError, OSError) as exc:  # a corrupt or truncated archive
            raise HutchError(f"ADD {posixpath.basename(archive)}: {exc}") from None
        return
    with open(archive, "rb") as f:
        extract_layer(f, Path(host), whiteouts="apply", chown="ignore")

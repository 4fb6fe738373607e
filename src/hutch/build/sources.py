"""COPY/ADD sources: finding them in a tree, walking them, hashing them for the cache.

Sources are paths relative to a root (the build context, or the root file
system of a stage or image for ``--from``), with Docker's rules: a leading
``/`` means the root, ``..`` may not leave it, ``*``, ``?`` and ``[...]``
match within one path segment, symlinks are resolved inside the root, and
what the ignore file excludes does not exist. Nothing here writes.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument
from hutch.build.ignore import IgnoreMatcher
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.util.sha256 import BULK, bulk_sha256, sha256

_MAGIC = ("*", "?", "[")


@dataclass(frozen=True)
class Source:
    path: str  # on the host, symlinks resolved
    rel: str  # relative to the root ("" for the root itself)
    name: str  # the base name used when copying into a directory
    is_dir: bool
    keep: str | None = None  # COPY --parents: the path kept below the destination


@dataclass(frozen=True)
class Entry:
    """One node below a directory source (``rel`` is relative to that source)."""

    rel: str
    path: str
    info: os.stat_result


def clean_source(pattern: str) -> str:
    """The source relative to the root; InvalidArgument if it leaves the root."""
    rel = posixpath.normpath(pattern.replace("\\/", "/")) if pattern else "."
    rel = rel.lstrip("/") or "."
    if rel == ".." or rel.startswith("../"):
        raise InvalidArgument(f"{pattern}: forbidden path outside the build context")
    return "" if rel == "." else rel


def has_magic(text: str) -> bool:
    return any(ch in text for ch in _MAGIC)


def resolve_sources(
    root: str,
    patterns: Sequence[str],
    ignore: IgnoreMatcher | None = None,
    *,
    exclude: IgnoreMatcher | None = None,
    parents: bool = False,
) -> list[Source]:
    """Every source the patterns name, in order; InvalidArgument for one that names nothing.

    A source ``exclude`` matches (by its path or its name) is left out;
    with ``parents`` each source keeps its path below the pivot (the part
    of the pattern before a ``/./``, else the root).
    """
    out: list[Source] = []
    for pattern in patterns:
        rel = clean_source(pattern)
        pivot = _pivot(pattern) if parents else ""
        candidates = _glob(root, rel) if has_magic(rel) else [rel]
        found = []
        dropped = False
        for candidate in candidates:
            if candidate and ignore is not None and ignore.matches(candidate):
                continue
            path = resolve_in_root(root, candidate)
            if not os.path.lexists(path):
                continue
            name = posixpath.basename(candidate) if candidate else ""
            if (
                candidate
                and exclude is not None
                and (exclude.matches(candidate) or exclude.matches(name))
            ):
                dropped = True
                continue
            keep = None
            if parents:  # the pivot may hold a glob: drop as many segments as it has
                keep = (
                    "/".join(candidate.split("/")[pivot.count("/") + 1 :]) if pivot else candidate
                )
            found.append(Source(path, candidate, name, os.path.isdir(path), keep))
        if not found and not dropped:
            raise InvalidArgument(
                f"{pattern}: no such file or directory in the build context"
                + (" (or excluded by the ignore file)" if ignore is not None else "")
            )
        out.extend(found)
    return out


def _pivot(pattern: str) -> str:
    """``COPY --parents``: the root-relative path before the first ``/./`` of a pattern."""
    text = pattern.replace("\\/", "/").lstrip("/")
    while text.startswith("./"):
        text = text[2:].lstrip("/")
    head, sep, _ = text.partition("/./")
    return clean_source(head) if sep else ""


def _glob(root: str, rel: str) -> list[str]:
    """Paths below ``root`` matching ``rel`` segment by segment, sorted."""
    matches = [""]
    for segment in rel.split("/"):
        following: list[str] = []
        for base in matches:
            if not has_magic(segment):
                following.append(f"{base}/{segment}" if base else segment)
                continue
            directory = resolve_in_root(root, base) if base else root
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                continue
            for name in names:
                if fnmatch.fnmatchcase(name, segment):
                    following.append(f"{base}/{name}" if base else name)
        matches = following
    return [m for m in matches if os.path.lexists(resolve_in_root(root, m))]


def walk(
    source: Source, ignore: IgnoreMatcher | None = None, exclude: IgnoreMatcher | None = None
) -> Iterator[Entry]:
    """The nodes below a directory source, parents before children, sorted by name.

    ``ignore`` (the ignore file) matches paths relative to the root,
    ``exclude`` (``COPY --exclude``) paths relative to the source itself.
    """
    if not source.is_dir:
        return
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        directory = os.path.join(source.path, rel_dir) if rel_dir else source.path
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name, reverse=True)
        children = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            info = entry.stat(follow_symlinks=False)
            is_dir = stat.S_ISDIR(info.st_mode)
            context_rel = f"{source.rel}/{rel}" if source.rel else rel
            skip = False
            for matcher, path in ((ignore, context_rel), (exclude, rel)):
                if matcher is not None and matcher.matches(path):
                    skip = True
                    if is_dir and matcher.may_contain_included(path):
                        pending.append(rel)  # an exception may re-include something below
                    break
            if skip:
                continue
            children.append(Entry(rel, entry.path, info))
            if is_dir:
                pending.append(rel)
        yield from reversed(children)


def digest_sources(
    sources: Sequence[Source],
    ignore: IgnoreMatcher | None = None,
    *,
    owners: bool = False,
    exclude: IgnoreMatcher | None = None,
) -> str:
    """A digest of the names, kinds, modes and contents of the sources (not their times).

    Owners count only when asked (``--chown`` absent keeps source owners
    out of the image); an ignored file never counts.
    """
    h = sha256()
    for source in sources:
        keep = source.keep if source.keep is not None else ""
        h.update(f"source\0{source.name}\0{int(source.is_dir)}\0{keep}\n".encode())
        if source.is_dir:
            h.update(_entry_record("", source.path, os.stat(source.path), owners))
            for entry in walk(source, ignore, exclude):
                h.update(_entry_record(entry.rel, entry.path, entry.info, owners))
        else:
            h.update(_entry_record("", source.path, os.stat(source.path), owners))
    return h.hexdigest()


def _entry_record(rel: str, path: str, info: os.stat_result, owners: bool) -> bytes:
    mode = info.st_mode
    fields = [rel.encode(), f"{stat.S_IFMT(mode):o}:{stat.S_IMODE(mode):o}".encode()]
    if owners:
        fields.append(f"{info.st_uid}:{info.st_gid}".encode())
    if stat.S_ISREG(mode):
        fields.append(file_digest(path).encode())
    elif stat.S_ISLNK(mode):
        fields.append(os.fsencode(os.readlink(path)))
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        fields.append(str(info.st_rdev).encode())
    return b"\0".join(fields) + b"\n"


def file_digest(path: str) -> str:
    with open(path, "rb") as f:
        # the same digest either way: OpenSSL's where a big file makes it the faster
        h = bulk_sha256() if os.fstat(f.fileno()).st_size >= BULK else sha256()
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()

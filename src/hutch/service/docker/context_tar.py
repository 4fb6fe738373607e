"""A build context as the Docker API uploads it (a tar, maybe compressed), checked
before the build starts, so that an entry escaping the context is refused with
a 4xx and Docker's error body rather than in the middle of a streamed answer.
The engine's extraction refuses the same entries again when it unpacks it."""

from __future__ import annotations

import os
import posixpath
import shutil
import tarfile
from pathlib import Path

from hutch.api.errors import InvalidArgument, UnsafeArchive


def _escapes(name: str) -> bool:
    if name.startswith("/"):
        return True
    normal = posixpath.normpath(name)
    return normal == ".." or normal.startswith("../")


def check_context(path: Path) -> int:
    """The number of entries; ``UnsafeArchive`` for an absolute path or one that
    leaves the context (``..``), or a hard link to one; ``InvalidArgument`` when
    the upload is not a tar archive."""
    count = 0
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                count += 1
                if _escapes(member.name):
                    raise UnsafeArchive(
                        f"refusing build context entry {member.name!r}: it is outside the context"
                    )
                if member.islnk() and _escapes(member.linkname):
                    raise UnsafeArchive(
                        f"refusing build context entry {member.name!r}: a hard link to "
                        f"{member.linkname!r}, outside the context"
                    )
    except tarfile.TarError as exc:
        raise InvalidArgument(f"the build context is not a tar archive: {exc}") from None
    return count


def take_out(path: Path, names: set[str], directory: Path) -> dict[str, Path]:
    """Move the files ``names`` (paths in the archive) out of the context at ``path``:
    each is written below ``directory`` (0600, under its own name) and the context is
    rewritten without them, so that no step can COPY them (podman --remote ships its
    build secrets, and a Containerfile from outside the context under its absolute
    path, in the context). ``InvalidArgument`` for a name the archive does not hold
    as a file."""
    found: dict[str, Path] = {}
    rest = path.with_name(path.name + ".rest")
    try:
        with tarfile.open(path, mode="r|*") as source, tarfile.open(rest, mode="w") as kept:
            for member in source:
                name = _secret_name(member.name, names)
                if name is None:
                    kept.addfile(member, source.extractfile(member) if member.isfile() else None)
                    continue
                if name in found:
                    continue  # podman 4.3.1 sends the file twice (see _secret_name)
                data = source.extractfile(member) if member.isfile() else None
                if data is None:
                    raise InvalidArgument(f"secret {name!r}: not a file in the build context")
                target = directory / f"taken-{len(found)}" / posixpath.basename(name)
                target.parent.mkdir(mode=0o700)
                with os.fdopen(
                    os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
                ) as out:
                    shutil.copyfileobj(data, out)
                found[name] = target
    except tarfile.TarError as exc:
        raise InvalidArgument(f"the build context is not a tar archive: {exc}") from None
    missing = sorted(names - set(found))
    if missing:
        raise InvalidArgument(f"secret {missing[0]!r}: not in the build context")
    os.replace(rest, path)
    return found


def _secret_name(entry: str, names: set[str]) -> str | None:
    """Which of ``names`` the archive's ``entry`` is: itself, or podman 4.3.1's second
    copy of it under the absolute path it had on the client (its temporary file in
    the context directory, walked once with the context and once on its own)."""
    name = posixpath.normpath(entry)
    if name in names:
        return name
    base = posixpath.basename(name)
    return base if entry.startswith("/") and base in names else None


def put_in(path: Path, file: Path, name: str) -> None:
    """Add ``file`` to the (uncompressed: ``take_out`` rewrote it) context at ``path``
    as ``name``."""
    with tarfile.open(path, mode="a") as archive:
        archive.add(file, arcname=name, recursive=False)

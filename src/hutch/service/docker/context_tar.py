"""A build context as the Docker API uploads it (a tar, maybe compressed), checked
before the build starts, so that an entry escaping the context is refused with
a 4xx and Docker's error body rather than in the middle of a streamed answer.
The engine's extraction refuses the same entries again when it unpacks it."""

from __future__ import annotations

import posixpath
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

"""Request bodies that are files (build contexts, image archives): written to a
private temporary directory as they arrive, within the service's upload limit."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hutch.service.errors import ApiError
from hutch.service.request import Request


def save_upload(req: Request, limit: int, name: str) -> Path:
    """The body as ``<new temporary directory>/name``; 413 over ``limit`` bytes
    (nothing is left behind). Remove it with ``discard``."""
    directory = Path(tempfile.mkdtemp(prefix="hutch-api-"))
    path = directory / name
    size = 0
    try:
        with path.open("wb") as out:
            for chunk in req.stream():
                size += len(chunk)
                if limit and size > limit:
                    raise ApiError(413, f"request body too large: the limit is {limit} bytes")
                out.write(chunk)
    except BaseException:
        discard(path)
        raise
    return path


def discard(path: Path) -> None:
    """Remove an upload (or a file made beside it) and its temporary directory."""
    with contextlib.suppress(OSError):
        shutil.rmtree(path.parent)


def scratch_file(name: str) -> Path:
    """A path in a new private temporary directory (for an archive to send back)."""
    return Path(tempfile.mkdtemp(prefix="hutch-api-")) / name

"""Tar archives made in memory for the service's tests (build contexts)."""

from __future__ import annotations

import io
import tarfile


def context_tar(*entries: tuple[str, str], compression: str = "") -> bytes:
    """A tar of (name, kind) entries: kind "file", "dir", "symlink:TARGET", "hardlink:TARGET"."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=f"w:{compression}") as archive:
        for name, kind in entries:
            info = tarfile.TarInfo(name)
            data = b""
            if kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind.startswith("symlink:"):
                info.type, info.linkname = tarfile.SYMTYPE, kind.partition(":")[2]
            elif kind.startswith("hardlink:"):
                info.type, info.linkname = tarfile.LNKTYPE, kind.partition(":")[2]
            else:
                data = b"FROM base\n"
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()

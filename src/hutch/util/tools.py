"""Finding the host tools hutch runs."""

from __future__ import annotations

import os

# Administration tools (nft, ip) live in sbin, which an unprivileged user's
# PATH often lacks even though the tools work fine for them in a namespace.
_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")


def which(name: str, path: str | None = None) -> str | None:
    """``shutil.which`` for a plain name, without importing shutil.

    shutil pulls in bz2, lzma and zlib; the monitor, which runs as long as
    its container, finds pasta and slirp4netns through this.
    """
    if os.sep in name:
        return name if os.access(name, os.X_OK) and not os.path.isdir(name) else None
    for directory in (path if path is not None else os.environ.get("PATH", os.defpath)).split(
        os.pathsep
    ):
        candidate = os.path.join(directory or ".", name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def find_tool(name: str) -> str:
    """The path of ``name`` on PATH or in the sbin directories, else ``name``."""
    found = which(name)
    if found:
        return found
    return which(name, path=os.pathsep.join(_SBIN)) or name

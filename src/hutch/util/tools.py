"""Finding the host tools hutch runs."""

from __future__ import annotations

import os
import shutil

# Administration tools (nft, ip) live in sbin, which an unprivileged user's
# PATH often lacks even though the tools work fine for them in a namespace.
_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")


def find_tool(name: str) -> str:
    """The path of ``name`` on PATH or in the sbin directories, else ``name``."""
    found = shutil.which(name)
    if found:
        return found
    extra = os.pathsep.join(_SBIN)
    return shutil.which(name, path=extra) or name

"""Resolving a container path inside a rootfs without escaping it.

An image may hold symlinks such as ``/proc -> /etc`` or ``/x -> ../../..``;
every mount destination is resolved here so that symlinks are followed as
the container would see them, never to a host path outside the rootfs.
"""

from __future__ import annotations

import os

_MAX_LINKS = 40


def resolve_in_root(root: str, path: str) -> str:
    """Host path of container ``path`` with symlinks resolved relative to ``root``."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    resolved: list[str] = []
    links = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        candidate = os.path.join(root, *resolved, part)
        if os.path.islink(candidate):
            links += 1
            if links > _MAX_LINKS:
                raise OSError(40, f"too many levels of symbolic links resolving {path}")
            target = os.readlink(candidate)
            if target.startswith("/"):
                resolved = []
            parts = [p for p in target.split("/") if p not in ("", ".")] + parts
            continue
        resolved.append(part)
    return os.path.join(root, *resolved)

"""What a container changed: its overlay upper dir compared with the image's layers.

A path in the upper dir is *added* when no lower layer shows it and
*changed* when one does; a whiteout (a 0/0 character device, or a ``.wh.``
file as fuse-overlayfs may leave) is a deletion; an opaque directory hides
everything below it in the lower layers, so whatever the lower layers had
there and the upper dir lacks is deleted too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from hutch.store.tarextract import OPAQUE_MARKER, WHITEOUT_PREFIX

_OPAQUE_XATTRS = ("user.overlay.opaque", "trusted.overlay.opaque")

ADDED = "A"
CHANGED = "C"
DELETED = "D"


@dataclass(frozen=True)
class PathChange:
    kind: str  # A, C or D
    path: str  # absolute in the container


def is_whiteout(info: os.stat_result) -> bool:
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == 0


def is_opaque(path: str) -> bool:
    for attr in _OPAQUE_XATTRS:
        try:
            if os.getxattr(path, attr, follow_symlinks=False) == b"y":
                return True
        except OSError:
            continue
    return os.path.lexists(os.path.join(path, OPAQUE_MARKER))


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


class LowerView:
    """The merged view of the lower layers (top first), read without mounting."""

    def __init__(self, lowers: Sequence[str]) -> None:
        self._lowers = tuple(lowers)

    def exists(self, rel: str) -> bool:
        parts = rel.split("/")
        for layer in self._lowers:
            hidden_below = False
            current = layer
            reached = True
            for part in parts[:-1]:
                if _has_whiteout_file(current, part):
                    return False
                current = os.path.join(current, part)
                info = _lstat(current)
                if info is None:
                    reached = False
                    break
                if is_whiteout(info) or not stat.S_ISDIR(info.st_mode):
                    return False
                if is_opaque(current):
                    hidden_below = True
            if reached:
                parent, name = os.path.split(os.path.join(layer, rel))
                if _has_whiteout_file(parent, name):
                    return False
                info = _lstat(os.path.join(layer, rel))
                if info is not None:
                    return not is_whiteout(info)
            if hidden_below:
                return False
        return False

    def listing(self, rel: str) -> set[str]:
        """Names the lower layers show in directory ``rel``."""
        names: set[str] = set()
        removed: set[str] = set()
        for layer in self._lowers:
            path = os.path.join(layer, rel)
            info = _lstat(path)
            if info is None or not stat.S_ISDIR(info.st_mode):
                continue
            for name in os.listdir(path):
                child = _lstat(os.path.join(path, name))
                if name == OPAQUE_MARKER:
                    continue
                if name.startswith(WHITEOUT_PREFIX):
                    removed.add(name[len(WHITEOUT_PREFIX) :])
                elif child is not None and is_whiteout(child):
                    removed.add(name)
                elif name not in removed:
                    names.add(name)
            if is_opaque(path):
                break
        return names


def _has_whiteout_file(parent: str, name: str | None) -> bool:
    return name is not None and os.path.lexists(os.path.join(parent, WHITEOUT_PREFIX + name))


def placeholders(
    upper: str,
    lowers: Sequence[str],
    mount_points: Iterable[str],
    links: Mapping[str, str] | None = None,
) -> set[str]:
    """Mount points the runtime created in the upper dir (empty, absent below),
    and the ``links`` it made (path -> target: /etc/mtab -> /proc/mounts).

    They are how the container's /etc/hosts or /proc got somewhere to be
    mounted, not changes the container made: diff and commit leave them out
    (podman's diff leaves out its /etc/mtab too).
    """
    view = LowerView(lowers)
    out = set()
    for point in mount_points:
        rel = point.strip("/")
        if not rel:
            continue
        info = _lstat(os.path.join(upper, rel))
        if info is None or view.exists(rel):
            continue
        empty_dir = stat.S_ISDIR(info.st_mode) and not os.listdir(os.path.join(upper, rel))
        if empty_dir or (stat.S_ISREG(info.st_mode) and info.st_size == 0):
            out.add(rel)
    for point, target in (links or {}).items():
        rel = point.strip("/")
        path = os.path.join(upper, rel)
        if os.path.islink(path) and os.readlink(path) == target and not view.exists(rel):
            out.add(rel)
    # A directory made only to hold them (/run for /run/.containerenv in an image
    # without /run) is one too: absent below, holding nothing but placeholders.
    grown = True
    while grown:  # deepest first, one level a round
        grown = False
        for parent in {os.path.dirname(rel) for rel in out} - out - {""}:
            path = os.path.join(upper, parent)
            info = _lstat(path)
            if info is None or not stat.S_ISDIR(info.st_mode) or view.exists(parent):
                continue
            if all(os.path.join(parent, name) in out for name in os.listdir(path)):
                out.add(parent)
                grown = True
    return out


def upper_changes(
    upper: str, lowers: Sequence[str], ignore: Collection[str] = ()
) -> list[PathChange]:
    """The changes of ``upper`` over ``lowers`` (top first), sorted by path."""
    view = LowerView(lowers)
    out: list[PathChange] = []
    pending: list[tuple[str, bool]] = [("", False)]
    while pending:
        rel_dir, hidden = pending.pop()
        directory = os.path.join(upper, rel_dir) if rel_dir else upper
        names = set(os.listdir(directory))
        for name in names:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            path = os.path.join(directory, name)
            if name == OPAQUE_MARKER or rel in ignore:
                continue
            if name.startswith(WHITEOUT_PREFIX):
                out.append(PathChange(DELETED, "/" + rel[: -len(name)] + name[4:]))
                continue
            info = os.lstat(path)
            if is_whiteout(info):
                out.append(PathChange(DELETED, "/" + rel))
                continue
            existed = not hidden and view.exists(rel)
            out.append(PathChange(CHANGED if existed else ADDED, "/" + rel))
            if stat.S_ISDIR(info.st_mode):
                opaque = is_opaque(path)
                if opaque and existed:
                    for gone in sorted(view.listing(rel) - names_of(path)):
                        out.append(PathChange(DELETED, f"/{rel}/{gone}"))
                pending.append((rel, hidden or opaque))
    out.sort(key=lambda c: os.fsencode(c.path))
    return out


def names_of(path: str) -> set[str]:
    return {n for n in os.listdir(path) if not n.startswith(WHITEOUT_PREFIX)}

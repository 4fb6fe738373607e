"""What differs between two file trees, each the merged view of its layers (an
image's, or a container's upper dir over its image's), read without mounting:
``diff A B``, A's changes against B, as containers/storage compares two trees.

A path only A has is added (and so is everything below it), a path only B has is
deleted (only the path itself is named), a path both have is changed when its
type, mode, owner or device differs, or, for what is no directory, its size or
modification time (a directory's own size and time say nothing). A directory
that holds changes is changed too unless it is added or changed itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Sequence

from hutch.store.overlaydiff import ADDED, CHANGED, DELETED, PathChange, is_opaque, is_whiteout
from hutch.store.tarextract import OPAQUE_MARKER, WHITEOUT_PREFIX

Tree = dict[str, os.stat_result]  # path relative to the root -> its merged lstat


def merged(layers: Sequence[str], skip: Collection[str] = ()) -> Tree:
    """Every path the layers (top first) show, with the top one's lstat; ``skip``:
    relative paths left out with what is below them (a container's mount points)."""
    out: Tree = {}
    _walk("", list(layers), skip, out)
    return out


def _walk(rel: str, layers: list[str], skip: Collection[str], out: Tree) -> None:
    """Directory ``rel`` as the ``layers`` holding it show it (the topmost first,
    down to the first that hides the ones under it)."""
    seen: dict[str, tuple[int, os.stat_result]] = {}
    removed: set[str] = set()
    for index, layer in enumerate(layers):
        directory = os.path.join(layer, rel)
        for name in os.listdir(directory):
            if name == OPAQUE_MARKER:
                continue
            if name.startswith(WHITEOUT_PREFIX):
                removed.add(name[len(WHITEOUT_PREFIX) :])
                continue
            if name in seen or name in removed:
                continue
            info = os.lstat(os.path.join(directory, name))
            if is_whiteout(info):
                removed.add(name)
            else:
                seen[name] = (index, info)
        if is_opaque(directory):
            break
    for name, (index, info) in seen.items():
        child = f"{rel}/{name}" if rel else name
        if child in skip:
            continue
        out[child] = info
        if stat.S_ISDIR(info.st_mode):
            _walk(child, _holding(layers[index:], rel, name), skip, out)


def _holding(layers: Sequence[str], rel: str, name: str) -> list[str]:
    """The layers (top first) whose directory ``rel/name`` the merged one shows:
    down to one where it is no directory, whited out, or opaque (included)."""
    out: list[str] = []
    for layer in layers:
        path = os.path.join(layer, rel, name)
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.lexists(os.path.join(layer, rel, WHITEOUT_PREFIX + name)):
                break
            continue
        if not stat.S_ISDIR(info.st_mode):
            break
        out.append(layer)
        if is_opaque(path):
            break
    return out


def changes(new: Tree, old: Tree) -> list[PathChange]:
    """``new``'s changes against ``old``, sorted by path."""
    kids_new = _children(new)
    kids_old = _children(old)
    out: list[PathChange] = []

    def added(rel: str) -> None:
        for name in kids_new.get(rel, ()):
            child = f"{rel}/{name}" if rel else name
            out.append(PathChange(ADDED, "/" + child))
            added(child)

    def compare(rel: str, marked: bool) -> None:
        before = len(out)
        olds = set(kids_old.get(rel, ()))
        for name in kids_new.get(rel, ()):
            child = f"{rel}/{name}" if rel else name
            if name not in olds:
                out.append(PathChange(ADDED, "/" + child))
                added(child)
                continue
            differs = _differs(old[child], new[child])
            if differs:
                out.append(PathChange(CHANGED, "/" + child))
            if stat.S_ISDIR(new[child].st_mode):
                if stat.S_ISDIR(old[child].st_mode):
                    compare(child, differs)
                else:  # a file became a directory: what it holds is new
                    added(child)
        names = set(kids_new.get(rel, ()))
        out.extend(PathChange(DELETED, "/" + (f"{rel}/{n}" if rel else n)) for n in olds - names)
        if len(out) > before and rel and not marked:
            out.append(PathChange(CHANGED, "/" + rel))

    compare("", True)
    out.sort(key=lambda c: os.fsencode(c.path))
    return out


def _children(tree: Tree) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rel in tree:
        parent, _, name = rel.rpartition("/")
        out.setdefault(parent, []).append(name)
    return out


def _differs(old: os.stat_result, new: os.stat_result) -> bool:
    if (old.st_mode, old.st_uid, old.st_gid, old.st_rdev) != (
        new.st_mode,
        new.st_uid,
        new.st_gid,
        new.st_rdev,
    ):
        return True
    if stat.S_ISDIR(new.st_mode):
        return False
    return old.st_size != new.st_size or old.st_mtime_ns != new.st_mtime_ns

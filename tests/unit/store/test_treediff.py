"""``diff A B``: two merged trees compared as containers/storage compares them."""

from __future__ import annotations

import os
from pathlib import Path

from hutch.store import treediff


def _layer(root: Path, files: dict[str, str | None]) -> str:
    """A layer: a file per name (None: a directory), all at one fixed time."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.mkdir(exist_ok=True)
        else:
            path.write_text(text)
    for path in [root, *root.rglob("*")]:
        os.utime(path, (1, 1), follow_symlinks=False)
    return str(root)


def _changes(new: list[str], old: list[str], skip: set[str] | None = None) -> list[str]:
    trees = treediff.merged(new, skip or set()), treediff.merged(old, skip or set())
    return [f"{c.kind} {c.path}" for c in treediff.changes(*trees)]


def test_two_containers_as_podman_compares_them(tmp_path: Path) -> None:
    base = _layer(tmp_path / "base", {"a": "0\n", "bin/ls": "ls", "etc/passwd": "root", "b": None})
    # A: /a rewritten, /bin/ls removed (a whiteout), /m and /etc/h added
    a = _layer(tmp_path / "a", {"a": "a\n", "m": None, "etc/h": "x"})
    (tmp_path / "a" / "bin").mkdir()
    os.mknod(tmp_path / "a" / "bin" / ".wh.ls")  # fuse-overlayfs' whiteout form
    os.utime(tmp_path / "a" / "a", (3, 3))
    # B: /a rewritten at another time, /etc/passwd touched, /b/c added
    b = _layer(tmp_path / "b", {"a": "b\n", "etc/passwd": "root", "b/c": "c"})
    os.utime(tmp_path / "b" / "a", (5, 5))
    os.utime(tmp_path / "b" / "etc" / "passwd", (9, 9))
    assert _changes([a, base], [b, base]) == [
        "C /a",  # same size, another time
        "C /b",  # it holds a change
        "D /b/c",
        "C /bin",
        "D /bin/ls",
        "C /etc",
        "A /etc/h",
        "C /etc/passwd",
        "A /m",
    ]
    # against its own image: only what A changed (its own directories unchanged)
    assert _changes([a, base], [base]) == [
        "C /a", "C /bin", "D /bin/ls", "C /etc", "A /etc/h", "A /m",
    ]  # fmt: skip


def test_an_added_directory_names_all_below_and_a_deleted_one_only_itself(
    tmp_path: Path,
) -> None:
    old = _layer(tmp_path / "old", {"gone/x/y": "1", "f": "f"})
    new = _layer(tmp_path / "new", {"d/e/f": "1", "f/inner": "2"})  # f: file -> dir
    assert _changes([new], [old]) == [
        "A /d", "A /d/e", "A /d/e/f", "C /f", "A /f/inner", "D /gone",
    ]  # fmt: skip


def test_opaque_directories_and_skipped_mount_points(tmp_path: Path) -> None:
    base = _layer(tmp_path / "base", {"d/old": "1", "etc/hosts": "h"})
    top = _layer(tmp_path / "top", {"d/new": "2", "etc/hosts": ""})
    (tmp_path / "top" / "d" / ".wh..wh..opq").write_text("")  # d made again: opaque
    os.utime(tmp_path / "top" / "d", (1, 1))
    tree = treediff.merged([top, base], {"etc/hosts"})
    assert sorted(tree) == ["d", "d/new", "etc"]
    assert _changes([top, base], [base], {"etc/hosts"}) == ["C /d", "A /d/new", "D /d/old"]


def test_diff_never_lists_the_mount_points_themselves() -> None:
    from hutch.engine.image_layers import visible
    from hutch.store.overlaydiff import PathChange

    changes = [PathChange("A", p) for p in ("/etc/hosts", "/run", "/run/x", "/etc/hosts2")]
    assert [c.path for c in visible(changes)] == ["/run/x", "/etc/hosts2"]

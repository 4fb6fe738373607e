"""Mount.own: a new volume's top directory goes to the container's user, not its tree
(podman's NeedsChown); Mount.chown (the U option) takes the whole tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.runtime import volume_chown
from hutch.runtime.spec import Mount


def test_own_changes_the_top_directory_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    done: list[str] = []
    monkeypatch.setattr(os, "chown", lambda path, uid, gid, **_: done.append(path))
    mounts = (
        Mount("bind", "/data", "/x", own=True),
        Mount("bind", "/tree", "/y", chown=True),
        Mount("bind", "/other", "/z"),
    )
    volume_chown.chown_mounts(str(tmp_path), mounts, 12345, 12345)
    names = sorted(os.path.relpath(p, tmp_path) for p in done)
    assert names == ["data", "tree", "tree/sub"]

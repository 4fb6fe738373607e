"""A full XDG_RUNTIME_DIR at the session's first write: named, with its own fix."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady
from hutch.config.paths import Paths
from hutch.runtime import session as session_module
from hutch.runtime.session import Session


def _statvfs_with_free(free_blocks: int) -> Callable[[str | int], os.statvfs_result]:
    real = os.statvfs

    def fake(path: str | int) -> os.statvfs_result:
        fields = list(real(path))
        fields[4] = free_blocks  # f_bavail
        return os.statvfs_result(fields)

    return fake


def _no_space(path: Path, *args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setattr(session_module, "ensure_private_dir", _no_space)
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "hutch", config=tmp_path / "c")
    return Session(paths)


def test_a_full_runtime_dir_is_named_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(tmp_path, monkeypatch)
    monkeypatch.setattr(os, "statvfs", _statvfs_with_free(0))
    with pytest.raises(HostNotReady) as caught:
        session._create_locked()
    assert str(caught.value) == f"no space left on device: {tmp_path} is full (0 KiB free)"
    assert caught.value.hint == (
        f"fix: free space there (du -sh {tmp_path}/*), or, as root, make the tmpfs "
        f"larger: mount -o remount,size=64M {tmp_path}"
    )


def test_with_room_there_the_error_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(tmp_path, monkeypatch)
    monkeypatch.setattr(os, "statvfs", _statvfs_with_free(1 << 20))
    with pytest.raises(OSError) as caught:
        session._create_locked()
    assert caught.value.errno == errno.ENOSPC
    assert not isinstance(caught.value, HostNotReady)

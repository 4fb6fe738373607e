"""ENOSPC: which disk filled up decides the message and its fix."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hutch.cli import exits


def _statvfs_with_free(free_blocks: int) -> object:
    real = os.statvfs

    def fake(path: str | int) -> os.statvfs_result:
        got = real(path)
        fields = list(got)
        fields[4] = free_blocks  # f_bavail
        return os.statvfs_result(fields)

    return fake


def test_a_full_runtime_dir_is_named_with_its_own_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setattr(os, "statvfs", _statvfs_with_free(0))
    code = exits.code_of(OSError(errno.ENOSPC, "No space left on device"), [])
    err = capsys.readouterr().err.splitlines()
    assert code == 125
    assert err[0] == f"Error: no space left on device: {tmp_path} is full (0 KiB free)"
    assert err[1] == (
        f"Hint: free space there (du -sh {tmp_path}/*), or, as root, make the tmpfs "
        f"larger: mount -o remount,size=64M {tmp_path}"
    )


def test_with_room_in_the_runtime_dir_the_store_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setattr(os, "statvfs", _statvfs_with_free(1 << 20))
    exc = OSError(errno.ENOSPC, "No space left on device", "/store/layers/x")
    assert exits.code_of(exc, []) == 125
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Error: no space left on device under /store/layers/x"
    assert "--root" in err[1]

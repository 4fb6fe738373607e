"""Uploaded build contexts: entries outside the context are refused before the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument, UnsafeArchive
from hutch.service.docker.context_tar import check_context
from unit.service.tarfixtures import context_tar


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "context.tar"
    path.write_bytes(data)
    return path


def test_a_normal_context_passes_compressed_or_not(tmp_path: Path) -> None:
    entries = [("Dockerfile", "file"), ("./src", "dir"), ("src/a", "file"),
               ("link", "symlink:/etc/passwd"), ("src/b", "hardlink:src/a")]  # fmt: skip
    assert check_context(_write(tmp_path, context_tar(*entries))) == 5
    assert check_context(_write(tmp_path, context_tar(*entries, compression="gz"))) == 5


@pytest.mark.parametrize(
    "entry",
    [("../escape", "file"), ("/etc/cron.d/x", "file"), ("a/../../x", "file"),
     ("h", "hardlink:../../etc/shadow")],
)  # fmt: skip
def test_an_entry_outside_the_context_is_refused(tmp_path: Path, entry: tuple[str, str]) -> None:
    with pytest.raises(UnsafeArchive, match="outside the context"):
        check_context(_write(tmp_path, context_tar(("Dockerfile", "file"), entry)))


def test_an_upload_that_is_no_tar_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="not a tar archive"):
        check_context(_write(tmp_path, b"this is no tar" * 100))

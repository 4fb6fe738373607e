"""Uploaded build contexts: entries outside the context are refused before the build."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument, UnsafeArchive
from hutch.service.docker.context_tar import check_context, take_out
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


def test_secrets_are_taken_out_of_a_gzipped_context_with_podmans_second_copy(
    tmp_path: Path,
) -> None:
    entries = [("Containerfile", "file"), ("podman-build-secret1", "file"), ("d", "dir"),
               ("/home/u/ctx/podman-build-secret1", "file")]  # fmt: skip
    path = _write(tmp_path, context_tar(*entries, compression="gz"))
    found = take_out(path, {"podman-build-secret1"}, tmp_path)
    assert found["podman-build-secret1"].read_bytes() == b"FROM base\n"
    assert found["podman-build-secret1"].stat().st_mode & 0o777 == 0o600
    with tarfile.open(path) as rest:
        assert rest.getnames() == ["Containerfile", "d"]
    with pytest.raises(InvalidArgument, match="secret 'nothere': not in the build context"):
        take_out(path, {"nothere"}, tmp_path)
    with pytest.raises(InvalidArgument, match="secret 'd': not a file"):
        take_out(path, {"d"}, tmp_path)

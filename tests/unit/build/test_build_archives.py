"""Which ADD sources count as archives (by content, not by name)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
from pathlib import Path

from hutch.build.copying import is_archive


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("f")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    return buffer.getvalue()


def test_compressed_tars_are_archives(tmp_path: Path) -> None:
    for name, data in {
        "a.tar": _tar(),
        "a.tgz": gzip.compress(_tar()),
        "a.tbz": bz2.compress(_tar()),
        "a.txz": lzma.compress(_tar()),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert is_archive(str(tmp_path / name)), name


def test_compressed_plain_files_and_corrupt_ones_are_not(tmp_path: Path) -> None:
    for name, data in {
        "a.bz2": bz2.compress(b"hello\n" * 200),
        "a.xz": lzma.compress(b"hello\n" * 200),
        "bad.xz": lzma.compress(_tar())[:20],
        "plain.tar": b"not a tar at all",
    }.items():
        (tmp_path / name).write_bytes(data)
        assert not is_archive(str(tmp_path / name)), name

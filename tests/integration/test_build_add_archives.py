"""ADD of local bzip2 and xz tar archives: extracted; a compressed plain file is copied."""

from __future__ import annotations

import bz2
import io
import lzma
import tarfile
from pathlib import Path

from build_helpers import build, write_context
from harness import Hutch


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o640
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_add_extracts_bzip2_and_xz_archives(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = write_context(
        tmp_path / "ctx",
        {},
        containerfile=(
            "FROM base\n"
            "ADD one.tar.bz2 /opt/\n"
            "ADD two.tar.xz /opt/\n"
            "ADD note.txt.xz /raw/\n"
            "COPY one.tar.bz2 /copied/\n"
        ),
    )
    (context / "one.tar.bz2").write_bytes(bz2.compress(_tar({"b/one.txt": b"bzip2 inside\n"})))
    (context / "two.tar.xz").write_bytes(lzma.compress(_tar({"x/two.txt": b"xz inside\n"})))
    (context / "note.txt.xz").write_bytes(lzma.compress(b"not a tar\n"))
    build(hutch, context, "-t", "arch")
    script = (
        "cat /opt/b/one.txt /opt/x/two.txt; stat -c %a /opt/x/two.txt; "
        "ls /raw; ls /copied; wc -c < /raw/note.txt.xz"
    )
    out = hutch("run", "--rm", "arch", "sh", "-c", script).stdout.splitlines()
    assert out[:5] == ["bzip2 inside", "xz inside", "640", "note.txt.xz", "one.tar.bz2"]
    assert out[5].strip() == str(len(lzma.compress(b"not a tar\n")))  # copied as it is


def test_add_of_a_corrupt_xz_archive_fails_the_build(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nADD bad.tar.xz /opt/\n")
    whole = lzma.compress(_tar({"f": b"x" * 100_000}))
    (context / "bad.tar.xz").write_bytes(whole[: len(whole) // 2])
    result = build(hutch, context, check=False)
    assert result.returncode == 125
    assert "bad.tar.xz" in result.stderr

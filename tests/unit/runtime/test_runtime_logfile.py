"""Log records in both formats, rotation, and reading the kept files back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutch.runtime import logfile


@pytest.mark.parametrize("driver", [logfile.K8S_FILE, logfile.JSON_FILE])
def test_records_read_back_as_written(driver: str) -> None:
    for text, partial in ((b"hello world", False), (b"", False), (b"half", True)):
        raw = logfile.format_line(driver, "stderr", text, partial, 1700000000.25)
        assert raw.endswith(b"\n") and raw.count(b"\n") == 1
        stamp, stream, got, was_partial = logfile.parse_line(driver, raw[:-1]) or ("", "", b"", 0)
        assert (stream, got, was_partial) == ("stderr", text, partial)
        assert stamp == "2023-11-14T22:13:20.250000000Z"


def test_json_file_is_dockers_format() -> None:
    raw = logfile.format_line(logfile.JSON_FILE, "stdout", b'say "hi"', False, 0.5)
    assert json.loads(raw) == {
        "log": 'say "hi"\n',
        "stream": "stdout",
        "time": "1970-01-01T00:00:00.500000000Z",
    }
    partial = json.loads(logfile.format_line(logfile.JSON_FILE, "stdout", b"x", True, 0))
    assert partial["log"] == "x"  # Docker: no newline marks a partial record


def test_garbage_is_not_a_record() -> None:
    assert logfile.parse_line(logfile.JSON_FILE, b"not json") is None
    assert logfile.parse_line(logfile.JSON_FILE, b'{"log": "x"}') is None
    assert logfile.parse_line(logfile.K8S_FILE, b"short") is None


def _texts(driver: str, path: Path, files: int) -> list[bytes]:
    """The texts of every record, oldest first, across the kept files."""
    texts = []
    for name in logfile.kept_files(str(path), files):
        for raw in Path(name).read_bytes().splitlines():
            record = logfile.parse_line(driver, raw)
            assert record is not None, raw
            texts.append(record[2])
    return texts


def test_writer_splits_lines_and_flushes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    writer = logfile.LogWriter(logfile.K8S_FILE, str(path))
    writer.write("stdout", b"a\nb")
    writer.write("stdout", b"c\nd")
    assert _texts(logfile.K8S_FILE, path, 1) == [b"a", b"bc"]
    writer.flush()
    assert _texts(logfile.K8S_FILE, path, 1) == [b"a", b"bc", b"d"]


def test_rotation_keeps_max_files_and_the_newest_lines(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    writer = logfile.LogWriter(logfile.JSON_FILE, str(path), max_size=400, max_files=3)
    for i in range(60):
        writer.write("stdout", f"line-{i:02d}\n".encode())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ctr.log", "ctr.log.1", "ctr.log.2"]
    assert all(p.stat().st_size <= 400 for p in tmp_path.iterdir())
    texts = _texts(logfile.JSON_FILE, path, 3)
    assert texts[-1] == b"line-59"
    # Oldest first and without gaps: the kept files are one contiguous tail.
    numbers = [int(t.split(b"-")[1]) for t in texts]
    assert numbers == list(range(numbers[0], 60)) and numbers[0] > 0


def test_one_file_starts_over_like_podman(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    writer = logfile.LogWriter(logfile.K8S_FILE, str(path), max_size=200, max_files=1)
    for i in range(30):
        writer.write("stdout", f"n{i}\n".encode())
    assert [p.name for p in tmp_path.iterdir()] == ["ctr.log"]
    assert path.stat().st_size <= 200
    assert _texts(logfile.K8S_FILE, path, 1)[-1] == b"n29"


def test_none_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ctr.log"
    writer = logfile.LogWriter(logfile.NONE, str(path))
    writer.write("stdout", b"lost\n")
    writer.flush()
    assert not path.exists()

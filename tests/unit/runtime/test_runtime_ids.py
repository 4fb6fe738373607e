"""Subordinate id ranges and the session's id maps."""

from __future__ import annotations

from pathlib import Path

from hutch.runtime.ids import (
    IdMapEntry,
    IdRange,
    map_to_host,
    parse_map,
    session_map,
    subordinate_ranges,
)


def subuid(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subuid"
    path.write_text(text)
    return path


def test_ranges_by_name_and_by_uid_in_file_order(tmp_path: Path) -> None:
    path = subuid(
        tmp_path,
        "alice:100000:65536\n"
        "bob:200000:1000\n"
        "1001:300000:10\n"
        "  alice:400000:5  \n"
        "alicex:500000:5\n",
    )
    assert subordinate_ranges(path, "alice", 1001) == (
        IdRange(100000, 65536),
        IdRange(300000, 10),
        IdRange(400000, 5),
    )
    assert subordinate_ranges(path, "bob", 1002) == (IdRange(200000, 1000),)
    assert subordinate_ranges(path, "carol", 1003) == ()


def test_malformed_and_empty_ranges_are_skipped(tmp_path: Path) -> None:
    path = subuid(
        tmp_path,
        "# comment\n"
        "\n"
        "alice:x:10\n"
        "alice:100:\n"
        "alice:100:0\n"
        "alice:100:-5\n"
        "alice:1:2:3\n"
        "alice\n"
        "alice:7:8\n",
    )
    assert subordinate_ranges(path, "alice", 5) == (IdRange(7, 8),)


def test_missing_file_means_no_ranges(tmp_path: Path) -> None:
    assert subordinate_ranges(tmp_path / "absent", "alice", 1000) == ()


def test_session_map_user_is_root_then_ranges_follow() -> None:
    entries = session_map(1000, (IdRange(100000, 65536), IdRange(300000, 10)))
    assert entries == (
        IdMapEntry(0, 1000, 1),
        IdMapEntry(1, 100000, 65536),
        IdMapEntry(65537, 300000, 10),
    )
    assert session_map(1000, ()) == (IdMapEntry(0, 1000, 1),)


def test_map_to_host() -> None:
    entries = session_map(1000, (IdRange(100000, 65536), IdRange(300000, 10)))
    assert map_to_host(entries, 0) == 1000
    assert map_to_host(entries, 1) == 100000
    assert map_to_host(entries, 5) == 100004
    assert map_to_host(entries, 65536) == 165535
    assert map_to_host(entries, 65537) == 300000
    assert map_to_host(entries, 65546) == 300009
    assert map_to_host(entries, 65547) is None
    assert map_to_host((IdMapEntry(0, 1000, 1),), 5) is None


def test_parse_map_reads_proc_format() -> None:
    text = "         0       1000          1\n         1     100000      65536\n"
    assert parse_map(text) == (IdMapEntry(0, 1000, 1), IdMapEntry(1, 100000, 65536))
    assert parse_map("") == ()

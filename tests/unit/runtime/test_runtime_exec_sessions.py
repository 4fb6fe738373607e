"""Exec session records (``inspect`` ``.ExecIDs``): live while the process runs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.runtime import exec_sessions as es


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(["sleep", "30"])
    yield proc
    proc.kill()
    proc.wait()


def _files(userdata: Path) -> list[str]:
    return sorted(os.listdir(userdata / es.DIRECTORY))


def test_a_recorded_session_is_live_while_its_process_runs(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    session = es.record(tmp_path, "a" * 64, sleeper.pid)
    assert session is not None and session.pid == sleeper.pid and session.start
    assert [s.id for s in es.live(tmp_path)] == ["a" * 64]
    assert _files(tmp_path) == ["a" * 64 + ".json"]  # no temporary file left


def test_a_session_whose_process_ended_is_dropped_by_the_reader(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    es.record(tmp_path, "a" * 64, sleeper.pid)
    sleeper.kill()
    sleeper.wait()
    assert es.live(tmp_path) == []
    assert _files(tmp_path) == []


def test_a_zombie_counts_as_ended(tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    es.record(tmp_path, "a" * 64, sleeper.pid)
    sleeper.kill()
    os.waitid(os.P_PID, sleeper.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped
    assert es.live(tmp_path) == []


def test_a_recycled_pid_is_not_the_session(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    es.record(tmp_path, "a" * 64, sleeper.pid)
    path = tmp_path / es.DIRECTORY / ("a" * 64 + ".json")
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "start": str(int(data["start"]) - 1)}))
    assert es.live(tmp_path) == []


def test_a_process_already_gone_is_not_recorded(tmp_path: Path) -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert es.record(tmp_path, "b" * 64, proc.pid) is None
    assert es.live(tmp_path) == []


def test_remove_is_idempotent_and_keeps_the_others(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    es.record(tmp_path, "a" * 64, sleeper.pid)
    es.record(tmp_path, "b" * 64, sleeper.pid)
    es.remove(tmp_path, "a" * 64)
    es.remove(tmp_path, "a" * 64)
    es.remove(tmp_path / "nosuch", "c" * 64)
    assert [s.id for s in es.live(tmp_path)] == ["b" * 64]


def test_records_being_written_are_skipped_and_broken_ones_dropped(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    es.record(tmp_path, "a" * 64, sleeper.pid)
    directory = tmp_path / es.DIRECTORY
    (directory / f".{'b' * 64}.123").write_text("{")  # a writer's temporary name
    (directory / ("c" * 64 + ".json")).write_text("not json")
    assert [s.id for s in es.live(tmp_path)] == ["a" * 64]
    assert _files(tmp_path) == [f".{'b' * 64}.123", "a" * 64 + ".json"]


def test_no_directory_means_no_sessions(tmp_path: Path) -> None:
    assert es.live(tmp_path) == []

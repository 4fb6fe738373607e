"""state.json has one writer, the monitor, and its writes are atomic; an exit's are fsync'd."""

from __future__ import annotations

import ast
import os
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.runtime import state as st

SRC = Path(__file__).resolve().parents[3] / "src" / "hutch"
WRITER = "runtime/monitor.py"


def _users_of(name: str) -> set[str]:
    """The modules of src/hutch that name ``name`` (called, imported or passed on)."""
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            named = (
                (isinstance(node, ast.Attribute) and node.attr == name)
                or (isinstance(node, ast.Name) and node.id == name)
                or (isinstance(node, ast.alias) and node.name == name)
            )
            if named:
                found.add(path.relative_to(SRC).as_posix())
    return found


def test_only_the_monitor_writes_the_run_state() -> None:
    assert _users_of("write_state") == {WRITER}  # defined in runtime/state.py


def test_nothing_else_names_the_state_file_by_hand() -> None:
    offenders = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if '"state.json"' in path.read_text() and path.name != "state.py"
    ]
    assert offenders == []


def test_a_write_is_fsynced_and_replaces_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    path = st.state_path(tmp_path)
    st.write_state(path, st.RuntimeState(status=st.RUNNING, pid=42))
    st.write_state(path, st.RuntimeState(status=st.EXITED, exit_code=3))
    assert len(synced) == 2
    assert st.read_state(path) == st.RuntimeState(status=st.EXITED, exit_code=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temp left


def test_a_live_monitors_record_is_atomic_without_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monitor's pid and a run's start skip the fsync (on run's path, issue 16);
    an exit's record is fsync'd after the EXIT frames (``sync_state``)."""
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    path = st.state_path(tmp_path)
    st.write_state(path, st.RuntimeState(status=st.RUNNING, pid=42), durable=False)
    assert synced == []
    assert st.read_state(path) == st.RuntimeState(status=st.RUNNING, pid=42)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    st.sync_state(path)  # an exit's record: fsync'd after its clients were told
    assert len(synced) == 1
    st.sync_state(tmp_path / "gone.json")  # the bundle went: nothing to keep
    source = (SRC / WRITER).read_text()
    # the monitor's pid, the run's start, the exit (then sync_state)
    assert source.count("durable=False") == 3
    assert source.count("st.sync_state(") == 1
    # not for a --rm container's (its volatile root): removed once the run ends, and
    # its attached caller waits for the monitor before it removes it
    assert "if not self.spec.rootfs.volatile:\n            st.sync_state(" in source


def test_a_container_never_started_reads_as_created(tmp_path: Path) -> None:
    assert st.read_state(st.state_path(tmp_path)) == st.RuntimeState(status=st.CREATED)


def test_a_dead_monitor_is_repaired_when_read_not_written(tmp_path: Path) -> None:
    path = st.state_path(tmp_path)
    # A monitor whose start time can never match: it is gone.
    recorded = st.RuntimeState(
        status=st.RUNNING, monitor_pid=os.getpid(), monitor_start="1", started_at=5.0
    )
    st.write_state(path, recorded)
    seen = st.reconciled(st.read_state(path))
    assert (seen.status, seen.exit_code, seen.finished_at) == (st.EXITED, 255, 5.0)
    assert st.reconciled(seen) is seen  # stable: every reader derives the same
    assert st.read_state(path) == recorded


def test_a_restart_back_off_reads_as_restarting_while_its_monitor_lives(tmp_path: Path) -> None:
    path = st.state_path(tmp_path)
    me = st.process_start_time(os.getpid())
    waiting = st.RuntimeState(
        status=st.EXITED, exit_code=1, restarting=True, monitor_pid=os.getpid(), monitor_start=me
    )
    st.write_state(path, waiting)
    assert st.reconciled(st.read_state(path)).restarting
    # a monitor killed in its back-off restarts nothing: exited for good
    st.write_state(path, replace(waiting, monitor_start="1"))
    seen = st.reconciled(st.read_state(path))
    assert not seen.restarting and (seen.status, seen.exit_code) == (st.EXITED, 1)
    # a state written before the field existed reads as not restarting
    path.write_bytes(b'{"status": "exited", "exit_code": 1}')
    assert not st.read_state(path).restarting

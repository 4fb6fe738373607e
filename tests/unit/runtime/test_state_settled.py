"""``settled``: a reader that finds a run recorded running while its process is gone
waits for the monitor's record of the exit (with real processes and a real file)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from hutch.runtime import state as st


def _ended_process() -> tuple[int, str]:
    """The pid and start time of a process that has ended and been reaped."""
    proc = subprocess.Popen(["sleep", "30"])
    start = st.process_start_time(proc.pid)
    proc.kill()
    proc.wait()
    return proc.pid, start


def _running(pid: int, start: str, monitor: tuple[int, str]) -> st.RuntimeState:
    return st.RuntimeState(
        status=st.RUNNING,
        pid=pid,
        pid_start=start,
        monitor_pid=monitor[0],
        monitor_start=monitor[1],
    )


def _us() -> tuple[int, str]:
    return os.getpid(), st.process_start_time(os.getpid())


def test_the_exit_being_recorded_is_waited_for(tmp_path: Path) -> None:
    path = st.state_path(tmp_path)
    before = _running(*_ended_process(), monitor=_us())
    st.write_state(path, before)
    after = st.RuntimeState(status=st.EXITED, exit_code=1, restarting=True)
    writer = threading.Timer(0.2, st.write_state, (path, after))
    began = time.monotonic()
    writer.start()
    try:
        assert st.settled(path, st.read_state(path)) == after
    finally:
        writer.join()
    assert time.monotonic() - began >= 0.2


def test_a_live_process_or_a_dead_monitor_is_not_waited_for(tmp_path: Path) -> None:
    path = st.state_path(tmp_path)
    live = _running(*_us(), monitor=_us())
    gone = _running(*_ended_process(), monitor=_ended_process())  # reconciled's case
    for state in (live, gone, st.RuntimeState()):
        st.write_state(path, state)
        began = time.monotonic()
        assert st.settled(path, state) == state
        assert time.monotonic() - began < 0.1


def test_a_record_that_never_comes_is_waited_for_a_while_only(tmp_path: Path) -> None:
    path = st.state_path(tmp_path)
    stuck = _running(*_ended_process(), monitor=_us())
    st.write_state(path, stuck)
    began = time.monotonic()
    assert st.settled(path, stuck, wait=0.2) == stuck
    assert 0.2 <= time.monotonic() - began < 1

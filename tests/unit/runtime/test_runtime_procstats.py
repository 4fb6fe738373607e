"""Stats without a cgroup: the sums of a container's processes in /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from hutch.engine.container_stats import proc_sample
from hutch.runtime import procstats

# /proc/PID/stat of a process named with a space and a paren, as the kernel writes it
STAT = (
    "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 300 0 0 0 "
    "150 30 7 3 20 0 3 0 12345 8192000 250 18446744073709551615 "
    "1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
)
ROLLUP = """55d4a7a00000-7ffd1b7d2000 ---p 00000000 00:00 0                          [rollup]
Rss:                1668 kB
Pss:                 284 kB
Pss_Anon:            112 kB
"""
IO = "rchar: 6976\nwchar: 10\nsyscr: 10\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 8192\n"


def test_stat_fields_are_counted_after_the_command_name() -> None:
    got = procstats.parse_stat(STAT, 4096)
    assert got.cpu_ticks == 150 + 30 + 7 + 3  # utime stime cutime cstime
    assert got.system_ticks == 30 + 3
    assert got.tasks == 3
    assert got.memory == 250 * 4096


def test_pss_and_io_lines() -> None:
    assert procstats.parse_pss(ROLLUP) == 284 * 1024
    assert procstats.parse_pss("Rss: 4 kB\n") is None
    assert procstats.parse_io(IO) == (4096, 8192)
    assert procstats.parse_io("") == (0, 0)


def _proc(root: Path, pid: int, stat: str, rollup: str | None, io: str | None) -> None:
    d = root / str(pid)
    d.mkdir(parents=True)
    (d / "stat").write_text(stat)
    if rollup is not None:
        (d / "smaps_rollup").write_text(rollup)
    if io is not None:
        (d / "io").write_text(io)


def test_a_sample_sums_the_processes_and_skips_the_gone(tmp_path: Path) -> None:
    _proc(tmp_path, 10, STAT, ROLLUP, IO)
    # unreadable smaps_rollup and io (no ptrace access): the resident size, no I/O
    _proc(tmp_path, 11, STAT.replace(" 3 0 12345", " 1 0 12345"), None, None)
    got = procstats.sample([10, 11, 12], str(tmp_path))  # 12 is gone
    page = os.sysconf("SC_PAGE_SIZE")
    assert got.cpu_ticks == 2 * 190
    assert got.tasks == 3 + 1
    assert got.memory == 284 * 1024 + 250 * page
    assert (got.read_bytes, got.write_bytes) == (4096, 8192)


def test_ticks_become_microseconds() -> None:
    tck = os.sysconf("SC_CLK_TCK")
    assert procstats.ticks_to_usec(tck) == 1_000_000


def test_the_engine_samples_a_container_without_cgroup_from_proc() -> None:
    """A live process tree stands in for the container (its mount namespace is this
    test's, as for a container that shares its pids): real /proc, real numbers."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import time\nx = bytearray(8 << 20)\ntime.sleep(60)"]
    )
    try:
        time.sleep(0.5)
        container = SimpleNamespace(
            record=SimpleNamespace(id="c" * 64, name="measured"),
            state=SimpleNamespace(pid=child.pid, started_at=time.time() - 1),
        )
        report = proc_sample(cast(Any, container))
        assert report.name == "measured"
        assert report.pids >= 2  # this test and the child, at least
        assert report.mem_usage > 8 << 20
        assert report.mem_limit > report.mem_usage
        assert report.cpu_usec > 0
        assert report.cpu_system_usec <= report.cpu_usec
    finally:
        child.kill()
        child.wait()

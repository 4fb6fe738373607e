"""A container's resource use read from /proc, for a container without a cgroup.

Without a cgroup of its own (a host with hybrid cgroups and no delegation,
or ``--cgroups=disabled``) there is no ``cpu.stat`` or ``memory.current``
to read; what can still be measured is the sum over the container's live
processes (``freeze.container_processes``: its pid namespace, or its mount
namespace when it shares another's pids):

- CPU: ``utime + stime + cutime + cstime`` of /proc/PID/stat. The children's
  part counts the processes they waited for (an orphan is reaped by the
  init), so a finished ``RUN``-style child still counts; an exec session
  that ended does not (its parent is outside the container).
- memory: the proportional set size (``Pss`` of /proc/PID/smaps_rollup), so
  that pages shared between the container's processes count once; the
  resident size where smaps_rollup cannot be read.
- pids: threads (``num_threads``), as ``pids.current`` counts them.
- block I/O: ``read_bytes``/``write_bytes`` of /proc/PID/io (children
  included, as for CPU).

Reading another process's smaps_rollup and io needs ptrace access, which a
caller inside the session user namespace has; a process gone between the
listing and the read is left out. A zombie counts (its times are not yet
its parent's), with no memory, as ``pids.current`` still counts it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProcSample:
    cpu_ticks: int = 0  # clock ticks (SC_CLK_TCK), user and system
    system_ticks: int = 0
    memory: int = 0  # bytes
    tasks: int = 0  # threads
    read_bytes: int = 0
    write_bytes: int = 0

    def __add__(self, other: ProcSample) -> ProcSample:
        return ProcSample(
            self.cpu_ticks + other.cpu_ticks,
            self.system_ticks + other.system_ticks,
            self.memory + other.memory,
            self.tasks + other.tasks,
            self.read_bytes + other.read_bytes,
            self.write_bytes + other.write_bytes,
        )


def parse_stat(text: str, page_size: int) -> ProcSample:
    """/proc/PID/stat: CPU ticks, threads, and the resident size as the memory."""
    fields = text.rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime is 14, stime 15, cutime 16, cstime 17,
    # num_threads 20, rss 24 (pages)
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return ProcSample(
        cpu_ticks=utime + stime + cutime + cstime,
        system_ticks=stime + cstime,
        memory=int(fields[21]) * page_size,
        tasks=int(fields[17]),
    )


def parse_pss(text: str) -> int | None:
    """The ``Pss`` line of smaps_rollup in bytes (None without one)."""
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return None


def parse_io(text: str) -> tuple[int, int]:
    """``read_bytes`` and ``write_bytes`` of /proc/PID/io."""
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if value.strip().isdigit():
            values[key] = int(value)
    return values.get("read_bytes", 0), values.get("write_bytes", 0)


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def process_sample(pid: int, page_size: int, proc: str = "/proc") -> ProcSample | None:
    stat = _read(f"{proc}/{pid}/stat")
    if stat is None:
        return None
    try:
        sample = parse_stat(stat, page_size)
    except (IndexError, ValueError):
        return None
    rollup = _read(f"{proc}/{pid}/smaps_rollup")
    pss = parse_pss(rollup) if rollup else None
    io = _read(f"{proc}/{pid}/io")
    read, written = parse_io(io) if io else (0, 0)
    return ProcSample(
        sample.cpu_ticks,
        sample.system_ticks,
        sample.memory if pss is None else pss,
        sample.tasks,
        read,
        written,
    )


def sample(pids: Iterable[int], proc: str = "/proc") -> ProcSample:
    """The sum over ``pids`` (those gone by now count nothing)."""
    page_size = os.sysconf("SC_PAGE_SIZE")
    total = ProcSample()
    for pid in pids:
        one = process_sample(pid, page_size, proc)
        if one is not None:
            total = total + one
    return total


def ticks_to_usec(ticks: int) -> int:
    return ticks * 1_000_000 // os.sysconf("SC_CLK_TCK")

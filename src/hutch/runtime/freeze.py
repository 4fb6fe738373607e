"""Pausing a container: a cgroup v2 freezer, or SIGSTOP to each of its processes.

The freezer stops a cgroup atomically and invisibly; it needs the container
to have a cgroup of its own (the cgroups work adds that; on a host with hybrid
cgroups there is none). Without it, every process of the container's pid
namespace gets SIGSTOP (and SIGCONT on resume), repeated until no running
process is left, since a process may fork while we go through the list. A
container that shares its pid namespace (a pod's) is the processes of its
mount namespace instead (``runtime/pidshare.py``).
Stopped processes show state ``T``; the monitor records which method it used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from hutch.cgroups import v2

FREEZER = "freezer"
SIGNAL = "signal"
_ROUNDS = 20


def pidns_of(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/pid")


def processes_in_pidns(init_pid: int, proc: str = "/proc") -> list[int]:
    """Pids (as /proc shows them) of every process in the init's pid namespace."""
    target = pidns_of(init_pid)
    out = []
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            if os.readlink(f"{proc}/{entry}/ns/pid") == target:
                out.append(int(entry))
        except OSError:
            continue  # gone, or not ours
    return out


def container_processes(init_pid: int) -> list[int]:
    """Pids (as /proc shows them) of the container whose init is ``init_pid``."""
    from hutch.runtime import pidshare

    try:
        if pidshare.is_pidns_init(init_pid):
            return processes_in_pidns(init_pid)
        return pidshare.processes_in_mntns(pidshare.mntns_of(init_pid))
    except OSError:
        return []  # the init is gone


def _nspids(pid: int | str) -> list[int]:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("NSpid:"):
                return [int(p) for p in line.split()[1:]]
    return []


def local_pids(pids: list[int]) -> list[int]:
    """/proc's pids as our pid namespace numbers them (for kill()).

    A monitor is PID 1 of a namespace of its own but sees the host's /proc:
    its processes' NSpid lines list the pid in each namespace from the
    host's down, and ours is at our own depth.
    """
    depth = len(_nspids("self")) - 1
    if depth <= 0:
        return pids
    out = []
    for pid in pids:
        try:
            chain = _nspids(pid)
        except OSError:
            continue
        if len(chain) > depth:
            out.append(chain[depth])
    return out


def process_state(pid: int) -> str:
    """The one-letter state of /proc/PID/stat ("" when gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


def freezer_file(cgroup_dir: str | None) -> Path | None:
    if not cgroup_dir:
        return None
    path = Path(cgroup_dir) / "cgroup.freeze"
    return path if path.exists() else None


def pause(init_pid: int, cgroup_dir: str | None = None) -> str:
    """Stop every process of the container; returns the method used."""
    freeze = freezer_file(cgroup_dir)
    if freeze is not None:
        v2.freeze(freeze.parent, True)  # waits until cgroup.events says frozen
        return FREEZER
    for _ in range(_ROUNDS):
        running = [
            p for p in container_processes(init_pid) if process_state(p) not in ("T", "t", "Z", "")
        ]
        if not running:
            break
        for pid in local_pids(running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        time.sleep(0.002)  # let the signals land before looking again
    return SIGNAL


def resume(init_pid: int, method: str, cgroup_dir: str | None = None) -> None:
    if method == FREEZER:
        freeze = freezer_file(cgroup_dir)
        if freeze is not None:
            v2.freeze(freeze.parent, False)
        return
    for pid in local_pids(container_processes(init_pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)

"""A container's runtime state: one small JSON file, ``state.json`` in its bundle.

The database holds what a container *is* (name, image, configuration); this
file holds what it is *doing* (pids, times, exit code, restarts, health).

Who writes it: the container's monitor, and nobody else
(tests/unit/runtime/test_state_writer.py checks that only runtime/monitor.py
calls ``write_state``). The monitor starts each ``start`` from a fresh state
and records every transition; pause, unpause and health checks of other
commands are control frames it acts on (runtime/control.py). A container
never started has no file (``read_state`` gives the "created" state). Writes
are atomic (util/atomic.py), so readers never see half a file, and the
monitor needs no database; the records of an exit are fsync'd, those of a
live monitor are not (``write_state``).

When the monitor died without recording an exit, readers do not write the
repair either: ``reconciled`` derives it (exited, 255) from the recorded
monitor's start time, which can never match again, so every reader sees the
same answer until the next monitor starts over.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from hutch.linux import procfs
from hutch.util.atomic import write_atomic

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

STATE_FILE = "state.json"
# Left in the bundle by `hutch stop` before it signals: the monitor records the
# exit as stopped by the user and starts no further run.
STOP_MARKER = "stop-requested"
# Left by `hutch init` (which logged the container's "init" event): the start that
# follows logs no second one, as podman's start of an initialized container
INIT_MARKER = "initialized"
# Written by `hutch rename`: the new name, for the events the running monitor logs
# later (it was given the name at the start)
RENAMED = "renamed"

CREATED = "created"
# podman's state after `init` (its runtime holds the container, not started yet):
# never written to state.json, derived from INIT_MARKER (engine/container_state.py)
INITIALIZED = "initialized"
RUNNING = "running"
PAUSED = "paused"
STOPPING = "stopping"
EXITED = "exited"
# The statuses of a run under way: a process recorded and its monitor serving it.
# What has a pid, a cgroup and a mounted root, what ``ps`` shows without ``--all``.
LIVE = frozenset((RUNNING, PAUSED, STOPPING))
# state.json exists but cannot be decoded (truncated, garbage): shown as is,
# for that container only; `rm -f` removes it.
UNKNOWN = "unknown"

# The exit code recorded when the monitor vanished without seeing the exit.
LOST_EXIT_CODE = 255
# How long a reader waits for the record of an exit it has seen (``settled``): the
# monitor's way back from its idle loop takes 0.3 s, more on a loaded host.
RECORD_WAIT = 2.0


@dataclass(frozen=True)
class Health:
    status: str = ""  # "", starting, healthy, unhealthy
    failing_streak: int = 0
    log: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RuntimeState:
    status: str = CREATED
    pid: int = 0
    pid_start: str = ""
    monitor_pid: int = 0
    monitor_start: str = ""
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    restart_count: int = 0
    oom_killed: bool = False
    error: str = ""
    pause_method: str = ""
    stopped_by_user: bool = False  # the run ended after `hutch stop` left the stop marker
    # exited, and the monitor sleeps out the restart back-off before the next run
    # (Docker's State.Restarting; set with the exit, so never seen "exited for good")
    restarting: bool = False
    # A pause held by a command for its own duration (commit): that process
    # (pid + start time). The monitor resumes the container if it dies first.
    paused_by: int = 0
    paused_by_start: str = ""
    # A container without a pid namespace of its own (in a pod sharing pid): its
    # init's mount namespace, (device, inode) and unique id, by which the engine
    # finds what it left behind if its monitor is killed (runtime/pidshare.py)
    mntns: tuple[int, int] = (0, 0)
    mntns_id: int = 0
    health: Health = field(default_factory=Health)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> RuntimeState:
        data = json.loads(raw)
        health = data.pop("health", None) or {}
        health["log"] = tuple(health.get("log", ()))
        known = {f for f in cls.__dataclass_fields__}
        if "mntns" in data:
            data["mntns"] = tuple(data["mntns"])
        return cls(**{k: v for k, v in data.items() if k in known}, health=Health(**health))


def process_start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat ("" when the process is gone or a zombie)."""
    return procfs.start_time(pid)


def alive(pid: int, start: str) -> bool:
    return pid > 0 and bool(start) and process_start_time(pid) == start


def state_path(bundle: Path) -> Path:
    return bundle / STATE_FILE


def write_state(path: Path, state: RuntimeState, *, durable: bool = True) -> None:
    """The monitor's alone (see the module's docstring). ``durable=False``: no fsync,
    for the records of a live monitor (its pid, a run's start), which no crash
    leaves true: after one the monitor is gone, and ``reconciled`` reads the
    container as exited whichever of them the disk kept."""
    write_atomic(path, state.to_json(), durable=durable)


def sync_state(path: Path) -> None:
    """fsync what ``write_state(durable=False)`` left: an exit's record, once its
    clients were told (``stop`` reads it at once; it need not wait for the disk)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return  # the container went (rm of an --rm run's bundle): nothing to keep
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_state(path: Path) -> RuntimeState:
    try:
        return RuntimeState.from_json(path.read_bytes())
    except FileNotFoundError:
        return RuntimeState()
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Empty or not our JSON: say so for this container, never fail the listing.
        return RuntimeState(status=UNKNOWN, error=f"{path} cannot be read ({exc})")


def settled(path: Path, state: RuntimeState, wait: float = RECORD_WAIT) -> RuntimeState:
    """``state`` (read from ``path``), or once its monitor has recorded the end of a run
    whose process is gone already: read before, it says running with no process left
    to exec into or signal, while the monitor is at that record (its idle loop execs
    the full monitor back first: some 0.3 s). podman reads such an exit as it happens
    (conmon's exit file), so that its inspect and exec agree; a reader here waits
    for the record, ``wait`` seconds at most (a monitor gone too is ``reconciled``'s)."""
    deadline = time.monotonic() + wait
    while (
        state.status in (RUNNING, STOPPING)
        and state.pid > 0
        and not alive(state.pid, state.pid_start)
        and alive(state.monitor_pid, state.monitor_start)
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
        state = read_state(path)
    return state


def reconciled(state: RuntimeState) -> RuntimeState:
    """The state, corrected when its monitor died without recording the exit."""
    if state.restarting and not alive(state.monitor_pid, state.monitor_start):
        state = replace(state, restarting=False)  # a monitor killed in its back-off
    if state.status in LIVE and not alive(state.monitor_pid, state.monitor_start):
        return replace(
            state,
            status=EXITED,
            exit_code=LOST_EXIT_CODE,
            error="the container monitor exited unexpectedly",
            finished_at=state.finished_at or state.started_at,
        )
    return state

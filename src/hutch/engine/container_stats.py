"""stats: a running container's counters, from its cgroup or from /proc.

The container's cgroup is the one its init is in (``/proc/PID/cgroup``, read from
outside the container's cgroup namespace), and counts only when it is named for the
container: one started with ``--cgroups=disabled`` never has the user's own cgroup
reported as its own. Its stats then come from its processes in /proc
(``runtime/procstats.py``), as they do on a host that delegates no cgroups.
``update`` (engine/resource_ops.py) writes limits to the same cgroup.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from hutch.api.container_usage import StatsReport
from hutch.api.errors import Conflict
from hutch.cgroups import v2
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.runtime import state as st


def running_cgroup(container: cs.Container) -> Path | None:
    """The cgroup of a running container with one (None when stopped)."""
    if container.state.status not in st.LIVE:
        return None
    if not st.alive(container.state.pid, container.state.pid_start):
        return None
    mount = v2.mount_point()
    if mount is None:
        return None
    cgroup = v2.cgroup_of_pid(container.state.pid, mount)
    if cgroup is None or cgroup.name != container.record.id:
        return None
    return cgroup


def host_memory() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def sample(ctx: EngineContext, names: Sequence[str]) -> list[StatsReport]:
    """One sample of each named container (they must run), or of every running one."""
    ctx.enter_session()
    if names:
        containers = [cs.get(ctx, n) for n in names]
    else:
        containers = [cs.load(ctx, r) for r in ctx.containers.all()]
        containers = [c for c in containers if c.running]
    reports = []
    for container in containers:
        if not container.running:
            if not names:
                continue
            raise Conflict(f"container {container.record.id[:12]} is not running")
        cgroup = running_cgroup(container)
        if cgroup is None:
            # No cgroup of its own (hybrid host, --cgroups=disabled): what /proc shows.
            reports.append(proc_sample(container))
        else:
            reports.append(cgroup_sample(container, cgroup))
    return reports


def proc_sample(container: cs.Container) -> StatsReport:
    from hutch.runtime import freeze, procstats

    pid = container.state.pid
    used = procstats.sample(freeze.container_processes(pid))
    received, sent = v2.net_counters(pid)
    return StatsReport(
        id=container.record.id,
        name=container.record.name,
        cpu_usec=procstats.ticks_to_usec(used.cpu_ticks),
        sampled_at=time.time(),
        started_at=container.state.started_at,
        cpus=os.cpu_count() or 1,
        mem_usage=used.memory,
        mem_limit=host_memory(),  # nothing can limit it
        pids=used.tasks,
        net_input=received,
        net_output=sent,
        block_input=used.read_bytes,
        block_output=used.write_bytes,
        cpu_system_usec=procstats.ticks_to_usec(used.system_ticks),
    )


def cgroup_sample(container: cs.Container, cgroup: Path) -> StatsReport:
    raw = v2.read_stats(cgroup)
    received, sent = v2.net_counters(container.state.pid)
    limit = raw.get("memory_max", -1)
    return StatsReport(
        id=container.record.id,
        name=container.record.name,
        cpu_usec=raw.get("cpu_usage_usec", 0),
        sampled_at=time.time(),
        started_at=container.state.started_at,
        cpus=os.cpu_count() or 1,
        mem_usage=raw.get("memory_current", 0),
        mem_limit=limit if limit > 0 else host_memory(),
        pids=raw.get("pids_current", 0),
        net_input=received,
        net_output=sent,
        block_input=raw.get("io_read_bytes", 0),
        block_output=raw.get("io_write_bytes", 0),
        throttled_usec=raw.get("cpu_throttled_usec", 0),
        nr_throttled=raw.get("cpu_nr_throttled", 0),
        oom_kills=v2.oom_kills(cgroup),
        cpu_system_usec=raw.get("cpu_system_usec", 0),
    )

"""update and stats: a running container's limits changed and its counters read.

The container's cgroup is the one its init is in (``/proc/PID/cgroup``,
read from outside the container's cgroup namespace); only a container whose
spec says it has a cgroup of its own is looked at, so a container started
with ``--cgroups=disabled`` never has the user's own cgroup changed or
reported as its own. Its stats then come from its processes in /proc
(``runtime/procstats.py``), as they do on a host that delegates no cgroups.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hutch.api.container_config import ResourceOptions
from hutch.api.containers import StatsOptions, StatsReport
from hutch.api.errors import Conflict, HutchError, InvalidArgument
from hutch.cgroups import v2
from hutch.engine import container_record
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.engine.resources import merge_update, only_changed
from hutch.runtime import spawn
from hutch.runtime import state as st
from hutch.runtime.restart import RestartPolicy, write_current

_NO_CGROUP = (
    "has no cgroup of its own (it was created with --cgroups=disabled or on a host "
    "without delegated cgroup v2 controllers)"
)


def running_cgroup(container: cs.Container) -> Path | None:
    """The cgroup of a running container with one (None when stopped)."""
    if container.state.status not in (st.RUNNING, st.PAUSED, st.STOPPING):
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


class ResourceService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def update(self, name: str, options: ResourceOptions, restart: str | None = None) -> str:
        if options.cgroups is not None or options.cgroup_parent is not None:
            raise InvalidArgument("update cannot change --cgroups or --cgroup-parent")
        from hutch.engine.create_plan import parse_restart  # run's parsing and message

        policy = parse_restart(restart, None) if restart is not None else None
        # --cpu-rt-*, --memory-swappiness: checked, then dropped with run's warnings
        for warning in options.cgroup_v1_warnings():
            print(f"WARN: {warning}", file=sys.stderr)
        self._ctx.enter_session()
        # nothing to change is no error: podman (4.3.1 and current) prints the id, as
        # Docker's API answers an empty update with 200
        container = cs.get(self._ctx, name)
        if options.given_limits():
            self._update_limits(container, options)
        if policy is not None:
            self._update_restart(container, policy)
        return container.record.id

    def _update_restart(self, container: cs.Container, policy: RestartPolicy) -> None:
        """The record (inspect, ps, the next start) and the running monitor's file."""
        config = container.config
        config = replace(
            config, restart=policy, options=replace(config.options, restart=str(policy))
        )
        self._ctx.containers.set_config(container.record.id, container_record.encode(config))
        write_current(container.dirs.userdata, policy)

    def _update_limits(self, container: cs.Container, options: ResourceOptions) -> None:
        short = container.record.id[:12]
        spec = cs.bundle_spec(container)
        if not spec.resources.has_cgroup:
            raise Conflict(f"cannot update container {short}: it {_NO_CGROUP}")
        new = merge_update(spec.resources, options)
        if options.blkio_weight_device:
            # the new devices' weights need the file that can enforce them here
            from hutch.cgroups.manager import weigh_devices

            weights = weigh_devices(new.device_weights, v2.mount_point() or Path("/sys/fs/cgroup"))
            new = replace(new, device_weights=weights)
        cgroup = running_cgroup(container)
        if cgroup is not None:
            try:
                v2.write_limits(cgroup, only_changed(spec.resources, new))
            except OSError as exc:
                raise HutchError(f"cannot update container {short}: {exc}") from exc
        # Kept for the next start (and for restarts by the monitor's next read).
        spawn.write_bundle(replace(spec, resources=new), container.dirs.userdata)

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        del options  # without names: every running container, --all or not
        self._ctx.enter_session()
        if names:
            containers = [cs.get(self._ctx, n) for n in names]
        else:
            containers = [cs.load(self._ctx, r) for r in self._ctx.containers.all()]
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
                reports.append(self._proc_sample(container))
            else:
                reports.append(self._sample(container, cgroup))
        return reports

    @staticmethod
    def _proc_sample(container: cs.Container) -> StatsReport:
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

    @staticmethod
    def _sample(container: cs.Container, cgroup: Path) -> StatsReport:
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

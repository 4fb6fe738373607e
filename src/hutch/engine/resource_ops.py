"""update: a container's limits changed, in its cgroup while it runs and in its spec.

The container's cgroup is the one its init is in, and only one named for the
container (engine/container_stats.py ``running_cgroup``, which stats reads too): a
container started with ``--cgroups=disabled`` never has the user's own cgroup changed.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from hutch.api.container_config import ResourceOptions
from hutch.api.errors import Conflict, HutchError, InvalidArgument
from hutch.cgroups import v2
from hutch.engine import container_record
from hutch.engine import container_state as cs
from hutch.engine.container_stats import running_cgroup
from hutch.engine.container_usage import StatsQuery
from hutch.engine.context import EngineContext
from hutch.engine.resources import merge_update, only_changed
from hutch.runtime import spawn
from hutch.runtime.restart import RestartPolicy, write_current

_NO_CGROUP = (
    "has no cgroup of its own (it was created with --cgroups=disabled or on a host "
    "without delegated cgroup v2 controllers)"
)


class ResourceService(StatsQuery):
    """update, and stats (engine/container_usage.py's, which ``hutch stats`` builds alone)."""

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

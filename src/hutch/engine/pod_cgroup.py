"""A pod's own cgroup: where pod-level limits (``pod create --memory``, ``--cpus``
...) are enforced, with every member's cgroup below it.

As podman: every pod gets one where the host has a cgroup manager (with or
without limits: ``pod inspect``'s CgroupPath), the parent of its members'
(the infra's included), so that the limits bound the pod as a whole; a
member's own limits apply inside them. The cgroupfs manager makes it as
``<root>/hutch/pod-ID``, at create and again before each member starts (a
cgroupfs tree does not outlive a reboot); the systemd manager starts a
transient slice ``user-hutch_pod_ID.slice`` with the limits as its
properties, and the members' scopes go into that slice. Removed with the
pod. Where limits cannot be enforced, ``pod create`` refuses them as ``run``
does, in the same words; without a manager (or with ``--cgroups=disabled``)
a pod without limits has no cgroup, as its members have none.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from hutch.api.container_config import ResourceOptions
from hutch.api.container_inspect import InspectDeviceRate, InspectDeviceWeight
from hutch.api.errors import HutchError
from hutch.api.pods import PodCreateOptions, PodLimits
from hutch.cgroups import v2
from hutch.cgroups.host import CgroupHost
from hutch.cgroups.limits import SYSTEMD, ResourceSpec
from hutch.config.settings import Settings
from hutch.engine.pod_record import PodConfig


def plan(options: PodCreateOptions, settings: Settings, pod_id: str) -> tuple[str, ResourceSpec]:
    """The pod's cgroup path below the cgroup2 mount and its placed limits; ("",
    no limits) where there is no cgroup manager (limits refused) or cgroups are
    disabled (a warning for limits given)."""
    from hutch.cgroups.manager import disabled
    from hutch.engine import resources

    mode = resources.cgroup_mode(options.resources, settings.cgroups)
    if mode == "disabled":
        host = disabled("cgroups are disabled").host
    else:
        host = resources.cgroup_host(settings)
    return placed(options.resources, settings.cgroups, host, pod_id)


def placed(
    given: ResourceOptions, setting: str, host: CgroupHost, pod_id: str
) -> tuple[str, ResourceSpec]:
    """``plan`` on ``host``: refused as ``run`` refuses the same limits."""
    from hutch.engine import resources

    result = resources.plan(given, setting, host)  # refuses as run does
    if result.warning:
        print(f"WARN: {result.warning}", file=sys.stderr)
    spec = result.spec
    if not spec.has_cgroup:
        return "", ResourceSpec()
    # no default pids limit for the pod as a whole: each member has its own
    spec = replace(spec, pids_max=0)
    if spec.backend == SYSTEMD:
        from hutch.cgroups import systemd

        # --cgroup-parent NAME.slice: the pod's slice is made inside that one (a
        # dash in a slice's name is a level), as run's scope is put in it
        name = systemd.pod_slice(pod_id, given.cgroup_parent or "user.slice")
        path = systemd.slice_dir(Path(host.root), name)
        spec = replace(spec, parent=str(path.parent), slice=name)
    else:
        path = Path(spec.parent) / f"pod-{pod_id}"
    return "/" + str(path.relative_to(host.mount)), spec


def ensure(config: PodConfig) -> None:
    """Make the pod's cgroup with its limits, if it has one and it is gone
    (or write its limits again: the same values)."""
    if not config.cgroup_path:
        return
    from hutch.cgroups.manager import manager_of

    try:
        if config.limits.backend == SYSTEMD:
            from hutch.cgroups import systemd

            cgroup = Path(config.limits.parent) / config.cgroup_name
            if not cgroup.is_dir():
                root = Path(config.limits.root) if config.limits.root else None
                systemd.start_slice(config.limits.slice, cgroup, config.limits, root)
        else:
            manager_of(config.limits).create(config.limits, config.cgroup_name, 0)
    except OSError as exc:
        raise HutchError(f"cannot create the pod's cgroup {config.cgroup_path}: {exc}") from exc


def remove(config: PodConfig) -> None:
    """Remove the pod's cgroup (its members' are gone with them)."""
    if not config.cgroup_path:
        return
    cgroup = Path(config.limits.parent) / config.cgroup_name
    try:
        if config.limits.backend == SYSTEMD:
            from hutch.cgroups import systemd

            if cgroup.is_dir():
                systemd.stop_unit(config.limits.slice)
        else:
            v2.remove(cgroup)
    except OSError as exc:
        print(f"WARN: cannot remove the pod's cgroup {cgroup}: {exc}", file=sys.stderr)


def member_resources(config: PodConfig, resources: ResourceOptions) -> ResourceOptions:
    """A member's resources: its cgroup below the pod's, unless it names a parent
    of its own or has no cgroup (podman: then the pod's limits do not apply)."""
    if not config.cgroup_path or resources.cgroup_parent is not None:
        return resources
    if resources.cgroups == "disabled":
        return resources
    return replace(resources, cgroup_parent=member_parent(config))


def member_parent(config: PodConfig) -> str:
    """The members' --cgroup-parent: the pod's cgroup path, or its slice under systemd
    ("" for a pod without a cgroup)."""
    if config.limits.backend == SYSTEMD:
        return config.limits.slice
    return config.cgroup_path


def parent_of(config: PodConfig) -> str:
    """inspect's CgroupParent: where the pod's cgroup is made."""
    return config.cgroup_path.rsplit("/", 1)[0] if config.cgroup_path else ""


def inspect_limits(config: PodConfig) -> PodLimits:
    """podman's pod-level limit keys of ``pod inspect``, from the pod's options."""
    if not config.cgroup_path:
        return PodLimits()
    given, spec = config.options.resources, config.limits

    def rates(items: tuple[str, ...]) -> tuple[InspectDeviceRate, ...] | None:
        from hutch.engine.resources import parse_size

        out = []
        for item in items:
            path, _, rate = item.rpartition(":")
            out.append(InspectDeviceRate(path, parse_size(rate, "rate")))
        return tuple(out) or None

    swap = None
    if given.memory_swap is not None:
        swap = -1 if spec.memory_swap_max == -2 else spec.memory_max + spec.memory_swap_max
    return PodLimits(
        cpu_period=spec.cpu_period or None,
        cpu_quota=spec.cpu_quota or None,
        cpu_shares=given.cpu_shares,
        cpuset_cpus=spec.cpuset_cpus or None,
        cpuset_mems=spec.cpuset_mems or None,
        device_read_bps=rates(given.device_read_bps),
        memory_limit=spec.memory_max or None,
        memory_swap=swap,
        blkio_weight=spec.io_weight or None,
        blkio_weight_device=tuple(
            InspectDeviceWeight(path, int(weight))
            for path, _, weight in (w.rpartition(":") for w in given.blkio_weight_device)
        )
        or None,
        device_write_bps=rates(given.device_write_bps),
    )

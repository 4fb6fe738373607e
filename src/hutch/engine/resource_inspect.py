"""``inspect``'s ``.HostConfig`` limits, in the units and names podman and Docker use.

The values come from the container's runtime spec when it has a cgroup
(``update`` rewrites that spec, so they follow it), and from the flags given
at ``create`` otherwise (``--cgroups=disabled``: configured, not enforced;
``.HostConfig.Cgroups`` says so). The spec holds cgroup v2 values, so the v1
names are derived: ``MemorySwap`` is memory plus swap, ``NanoCpus`` is quota
over period, ``CpuShares`` is the number given when it still maps to the
spec's ``cpu.weight`` (an ``update`` may have changed it since).
"""

from __future__ import annotations

import contextlib
import os

from hutch.api.container_config import ResourceOptions
from hutch.api.container_inspect import InspectDeviceRate, InspectDeviceWeight, InspectLimits
from hutch.api.errors import HutchError
from hutch.cgroups.limits import DeviceLimit, ResourceSpec
from hutch.engine.resources import parse_limits, shares_to_weight

# The options that name a device for a limit.
_DEVICE_FLAGS = (
    "device_read_bps",
    "device_write_bps",
    "device_read_iops",
    "device_write_iops",
    "blkio_weight_device",
)


def configured(options: ResourceOptions) -> ResourceSpec:
    """The limits the flags asked for (nothing when they no longer parse, e.g. a device gone)."""
    try:
        return parse_limits(options)
    except HutchError:
        return ResourceSpec()


def weight_to_shares(weight: int) -> int:
    """cpu.weight back onto cgroup v1 shares: the least that ``shares_to_weight`` maps to it."""
    return 2 + -(-(weight - 1) * 262142 // 9999)


def _shares(res: ResourceSpec, options: ResourceOptions) -> int:
    if res.cpu_weight <= 0:
        return 0
    given = options.cpu_shares
    if given is not None and shares_to_weight(given) == res.cpu_weight:
        return given
    return weight_to_shares(res.cpu_weight)


def _device_paths(options: ResourceOptions) -> dict[str, str]:
    """MAJOR:MINOR -> the path the user typed for it (still a block device)."""
    out: dict[str, str] = {}
    for flag in _DEVICE_FLAGS:
        for item in getattr(options, flag):
            path = item.rpartition(":")[0]
            with contextlib.suppress(OSError):
                st = os.stat(path)
                out.setdefault(f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}", path)
    return out


def _devices(
    limits: tuple[DeviceLimit, ...], options: ResourceOptions, kind: str
) -> tuple[InspectDeviceRate, ...]:
    paths = _device_paths(options) if limits else {}
    return tuple(
        InspectDeviceRate(paths.get(limit.device, f"/dev/block/{limit.device}"), limit.value)
        for limit in limits
        if limit.kind == kind
    )


def _weights(res: ResourceSpec, options: ResourceOptions) -> tuple[InspectDeviceWeight, ...]:
    paths = _device_paths(options) if res.device_weights else {}
    return tuple(
        InspectDeviceWeight(paths.get(w.device, f"/dev/block/{w.device}"), w.value)
        for w in res.device_weights
    )


def _memory_swap(res: ResourceSpec) -> int:
    if res.memory_max <= 0 or res.memory_swap_max == -1:
        return 0
    if res.memory_swap_max == -2:
        return -1
    return res.memory_max + res.memory_swap_max


def host_config_limits(
    res: ResourceSpec, options: ResourceOptions, *, cgroups: str, manager: str
) -> InspectLimits:
    """The limit keys of ``.HostConfig`` for limits ``res`` set from ``options``."""
    period = res.cpu_period or (100000 if res.cpu_quota > 0 else 0)
    nano = res.cpu_quota * 1_000_000_000 // period if res.cpu_quota > 0 else 0
    weights = _weights(res, options)
    rates = {kind: _devices(res.devices, options, kind) for kind in _RATE_KINDS}
    # podman's lists come from the spec's BlockIO section: null without one
    has_block_io = bool(res.io_weight or weights or any(rates.values()))
    return InspectLimits(
        cgroups=cgroups,
        cgroup_manager=manager,
        cgroup_parent=options.cgroup_parent or "",
        memory=res.memory_max,
        memory_reservation=res.memory_low,
        memory_swap=_memory_swap(res),
        memory_swappiness=0,
        oom_kill_disable=False,
        nano_cpus=nano,
        cpu_shares=_shares(res, options),
        cpu_period=period,
        cpu_quota=res.cpu_quota,
        cpu_realtime_period=0,
        cpu_realtime_runtime=0,
        cpuset_cpus=res.cpuset_cpus,
        cpuset_mems=res.cpuset_mems,
        cpu_count=0,
        cpu_percent=0,
        pids_limit=res.pids_max,
        blkio_weight=res.io_weight,
        blkio_weight_device=weights if has_block_io else None,
        device_read_bps=rates["rbps"] if has_block_io else None,
        device_write_bps=rates["wbps"] if has_block_io else None,
        device_read_iops=rates["riops"] if has_block_io else None,
        device_write_iops=rates["wiops"] if has_block_io else None,
    )


_RATE_KINDS = ("rbps", "wbps", "riops", "wiops")


def inspect_limits(spec_resources: ResourceSpec | None, options: ResourceOptions) -> InspectLimits:
    """``.HostConfig`` limits of a container: its spec's when it has a cgroup, else the flags'.

    ``Cgroups`` is the mode asked for (podman's "default" when none was),
    ``CgroupManager`` the backend of the container's cgroup ("" without one).
    """
    mode = options.cgroups or "default"
    if spec_resources is not None and spec_resources.has_cgroup:
        return host_config_limits(
            spec_resources, options, cgroups=mode, manager=spec_resources.backend
        )
    return host_config_limits(configured(options), options, cgroups=mode, manager="")

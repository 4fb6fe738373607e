"""Resource limits: flags parsed into a ``ResourceSpec``, checked against what the host can enforce.

A limit that cannot be enforced is refused (exit 125) with the reason and
the fix, before anything is created; ``--cgroups=disabled`` (or the setting
``[containers] cgroups = "disabled"``) turns the refusal into a warning.
Without limit flags a container runs everywhere: the default pids limit is
applied only where a cgroup exists, silently.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
from dataclasses import dataclass, replace

from hutch.api.container_config import ResourceOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import invalid_value
from hutch.cgroups import v2
from hutch.cgroups.host import DISABLED, FIX, CgroupHost, preferred, probe
from hutch.cgroups.limits import DeviceLimit, ResourceSpec
from hutch.cgroups.manager import Placement, disabled, is_slice, manager_for
from hutch.config.settings import Settings

# api/system.py (info's report, some twenty dataclasses) only for manager_fact:
# run and create load this module for every container.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from hutch.api.system import HostFact

CGROUP_MODES = ("enabled", "disabled", "no-conmon", "split")
MIN_MEMORY = 6 * 1024 * 1024  # podman's floor: below it a container cannot even start
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
# patterns, compiled at their first use (re caches them): create imports this module
_SIZE = r"(?i)^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$"
_MEMORY_FLAGS = ("--memory", "--memory-reservation", "--memory-swap")
_CPUSET = r"^\d+(-\d+)?(,\d+(-\d+)?)*$"


def parse_size(text: str, flag: str) -> int:
    """64m, 1g, 512k, 1.5g or plain bytes (binary units, as podman)."""
    match = re.match(_SIZE, text.strip())
    if not match:
        if flag in _MEMORY_FLAGS:  # podman's words (one for the three flags)
            raise InvalidArgument(f"invalid value for memory: invalid size: '{text}'")
        if flag == "--log-opt max-size":  # podman's: go-units' error alone
            raise InvalidArgument(f"invalid size: '{text}'")
        raise InvalidArgument(f"invalid {flag} {text!r}: use a size such as 64m, 512k or 1g")
    number, unit = match.groups()
    return int(float(number) * _UNITS[unit.lower()])


def shares_to_weight(shares: int) -> int:
    """cgroup v1 cpu.shares (2..262144) mapped linearly onto cpu.weight (1..10000)."""
    return 1 + (shares - 2) * 9999 // 262142


def cpus_to_quota(cpus: float, period: int = v2.DEFAULT_CPU_PERIOD) -> tuple[int, int]:
    """--cpus as (quota, period) microseconds: 0.5 -> (50000, 100000)."""
    return round(cpus * period), period


def _range(value: int | None, flag: str, low: int, high: int) -> int:
    if value is None:
        return 0
    if not low <= value <= high:
        raise InvalidArgument(f"invalid {flag} {value}: it must be between {low} and {high}")
    return value


def _cpus(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise invalid_value(text, "--cpus", "ParseFloat") from None  # podman's: a float flag
    if not math.isfinite(value) or value <= 0:
        raise InvalidArgument(f"invalid --cpus {text!r}: it must be greater than 0")
    available = os.cpu_count() or 1
    if value > available:
        raise InvalidArgument(
            f"invalid --cpus {text!r}: only {available} CPUs are available on this host"
        )
    return value


def _cpuset(text: str | None, flag: str) -> str:
    if text is None:
        return ""
    if not re.match(_CPUSET, text):
        raise InvalidArgument(f"invalid {flag} {text!r}: use a list such as 0-2,4")
    return text


def block_device(path: str, flag: str) -> str:
    """MAJOR:MINOR of a block device node (a missing one in podman's words)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()  # Go spells errno text in lower case
        if flag == "--blkio-weight-device":
            raise InvalidArgument(f"failed to inspect '{path}' in {flag}: {reason}") from exc
        raise InvalidArgument(f"could not parse throttle device at {path}: {reason}") from exc
    if not stat.S_ISBLK(st.st_mode):
        raise InvalidArgument(f"invalid {flag} device {path!r}: not a block device")
    return f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"


def _device_value(spec: str) -> tuple[str, str]:
    """DEVICE:VALUE split at the first colon, the device under /dev (podman's check
    and words, shared by the throttle and weight flags)."""
    path, sep, value = spec.partition(":")
    if not sep:
        raise InvalidArgument(f"bad format: {spec}")
    if not path.startswith("/dev/"):
        raise InvalidArgument(f"bad format for device path: {spec}")
    return path, value


# podman's explanation after a rate it cannot read
_RATE_FORMAT = {
    "bps": "<device-path>:<number>[<unit>]. Number must be a positive integer. Unit is "
    "optional and can be kb, mb, or gb",
    "iops": "<device-path>:<number>. Number must be a positive integer",
}


def parse_throttle(spec: str, flag: str, kind: str) -> DeviceLimit:
    """DEVICE:RATE, a size for bps, a number for iops."""
    path, rate = _device_value(spec)
    unit = "iops" if kind.endswith("iops") else "bps"
    value = _rate(rate, unit, flag)
    if value is None:
        raise InvalidArgument(
            f"invalid rate for device: {spec}. The correct format is {_RATE_FORMAT[unit]}"
        )
    if value == 0:  # podman leaves a 0 to the kernel, which refuses it
        raise InvalidArgument(f"invalid {flag} {spec!r}: the rate must be positive")
    return DeviceLimit(block_device(path, flag), kind, value)


def _rate(text: str, unit: str, flag: str) -> int | None:
    """A throttle rate: a count for iops, a size for bps; None if it is neither."""
    if text.isdigit():
        return int(text)
    if unit == "iops":
        return None
    try:
        return parse_size(text, flag)
    except InvalidArgument:
        return None


def parse_weight_device(spec: str, flag: str = "--blkio-weight-device") -> DeviceLimit:
    """DEVICE:WEIGHT, the weight 10..1000 as --blkio-weight (io.weight until placed)."""
    path, weight = _device_value(spec)
    if not weight.isdigit() or not 10 <= int(weight) <= 1000:
        raise InvalidArgument(f"invalid weight for device: {spec}")  # podman's words
    return DeviceLimit(block_device(path, flag), v2.IO_WEIGHT, int(weight))


def _weights(items: tuple[DeviceLimit, ...]) -> tuple[DeviceLimit, ...]:
    """One weight per device, the last given (as a later line in io.weight wins)."""
    return tuple({item.device: item for item in items}.values())


def parse_cgroup_conf(item: str) -> tuple[str, str]:
    """--cgroup-conf KEY=VALUE: a file of the container's own cgroup (no path)."""
    key, sep, value = item.partition("=")
    if not sep:
        raise InvalidArgument("--cgroup-conf must be formatted KEY=VALUE")  # podman's words
    if not key or "/" in key or key in (".", ".."):
        raise InvalidArgument(
            f"invalid --cgroup-conf {item!r}: KEY is a file of the container's cgroup "
            "(such as memory.high)"
        )
    return key, value


def parse_limits(options: ResourceOptions) -> ResourceSpec:
    """The limits alone (no backend, no default pids limit)."""
    memory = parse_size(options.memory, "--memory") if options.memory is not None else 0
    if options.memory is not None and memory < MIN_MEMORY:
        raise InvalidArgument(f"invalid --memory {options.memory!r}: the minimum is 6m")
    low = 0
    if options.memory_reservation is not None:
        low = parse_size(options.memory_reservation, "--memory-reservation")
        if memory and low > memory:
            raise InvalidArgument("--memory-reservation must be smaller than --memory")
    swap, explicit = (memory if memory else -1), False
    if options.memory_swap is not None:
        # the value is read first, then its relation to --memory: current podman's
        # words (its resource check; 4.3.1 skips it on a cgroup v1 host)
        unlimited = options.memory_swap.strip() == "-1"
        total = 0 if unlimited else parse_size(options.memory_swap, "--memory-swap")
        if not memory:
            raise InvalidArgument(
                "you should always set a memory limit when using a memoryswap limit, see usage"
            )
        if not unlimited and total < memory:
            raise InvalidArgument(
                "minimum memoryswap limit should be larger than memory limit, see usage"
            )
        explicit = True
        swap = -2 if unlimited else total - memory
    quota = period = 0
    if options.cpus is not None:
        if options.cpu_quota is not None or options.cpu_period is not None:
            raise InvalidArgument("--cpus conflicts with --cpu-quota and --cpu-period")
        quota, period = cpus_to_quota(_cpus(options.cpus))
    else:
        quota = _range(options.cpu_quota, "--cpu-quota", 1000, 2**53)
        period = _range(options.cpu_period, "--cpu-period", 1000, 1000000)
    if options.cpu_shares is not None and options.cpu_weight is not None:
        raise InvalidArgument("--cpu-shares conflicts with --cpu-weight")
    weight = _range(options.cpu_weight, "--cpu-weight", 1, 10000)
    if options.cpu_shares is not None:
        weight = shares_to_weight(_range(options.cpu_shares, "--cpu-shares", 2, 262144))
    pids = 0
    if options.pids_limit is not None:
        if options.pids_limit < -1:
            raise InvalidArgument(f"invalid --pids-limit {options.pids_limit}")
        pids = options.pids_limit if options.pids_limit > 0 else -1
    devices = tuple(
        parse_throttle(item, flag, kind)
        for items, flag, kind in (
            (options.device_read_bps, "--device-read-bps", "rbps"),
            (options.device_write_bps, "--device-write-bps", "wbps"),
            (options.device_read_iops, "--device-read-iops", "riops"),
            (options.device_write_iops, "--device-write-iops", "wiops"),
        )
        for item in items
    )
    return ResourceSpec(
        unified=tuple(parse_cgroup_conf(item) for item in options.cgroup_conf),
        memory_max=memory,
        memory_low=low,
        memory_swap_max=swap,
        swap_explicit=explicit,
        cpu_quota=quota,
        cpu_period=period,
        cpu_weight=weight,
        cpuset_cpus=_cpuset(options.cpuset_cpus, "--cpuset-cpus"),
        cpuset_mems=_cpuset(options.cpuset_mems, "--cpuset-mems"),
        pids_max=pids,
        io_weight=_range(options.blkio_weight, "--blkio-weight", 10, 1000),
        devices=devices,
        device_weights=_weights(
            tuple(parse_weight_device(item) for item in options.blkio_weight_device)
        ),
    )


@dataclass(frozen=True)
class ResourcePlan:
    spec: ResourceSpec
    warning: str = ""


def cgroup_mode(options: ResourceOptions, setting: str) -> str:
    mode = options.cgroups or setting or "enabled"
    if mode not in CGROUP_MODES:
        if options.cgroups:  # podman's words
            raise InvalidArgument(
                f'running container create option: invalid cgroup mode "{mode}": invalid argument'
            )
        raise InvalidArgument(
            f"invalid [containers] cgroups setting {mode!r}: use {', '.join(CGROUP_MODES)}"
        )
    return mode


def plan(
    options: ResourceOptions, setting: str, host: CgroupHost, pids_default: int | None = None
) -> ResourcePlan:
    """The container's resources on this host, or a refusal; ``pids_default`` is
    containers.conf's pids_limit (0 or -1: none), applied silently where it can be."""
    limits = parse_limits(options)
    if pids_default is not None:
        limits = replace(limits, pids_default=pids_default if pids_default > 0 else -1)
    mode = cgroup_mode(options, setting)
    given = options.given_limits() + (("--cgroup-conf",) if options.cgroup_conf else ())
    wanted = options.cgroup_parent
    if wanted is not None and not wanted.startswith("/") and not is_slice(wanted):
        raise InvalidArgument(
            f"invalid --cgroup-parent {wanted!r}: use an absolute cgroup path, "
            "or a slice name such as batch.slice with the systemd cgroup manager"
        )
    if mode == "disabled":
        warning = ""
        if given:
            warning = f"cgroups are disabled: {', '.join(given)} will not be enforced"
        return ResourcePlan(ResourceSpec(), warning)
    placement = Placement(limits, given, options.cgroup_parent, split=mode == "split")
    return ResourcePlan(manager_for(host).place(placement))


def merge_update(current: ResourceSpec, options: ResourceOptions) -> ResourceSpec:
    """The container's limits with the flags given to ``update`` replacing theirs."""
    new = parse_limits(options)
    changes: dict[str, object] = {}
    if options.memory is not None:
        changes["memory_max"] = new.memory_max
        if options.memory_swap is None and not current.swap_explicit:
            changes["memory_swap_max"] = new.memory_swap_max
    if options.memory_reservation is not None:
        changes["memory_low"] = new.memory_low
    if options.memory_swap is not None:
        changes["memory_swap_max"] = new.memory_swap_max
        changes["swap_explicit"] = True
    if options.cpus is not None or options.cpu_quota is not None:
        changes["cpu_quota"] = new.cpu_quota
    if options.cpus is not None or options.cpu_period is not None:
        changes["cpu_period"] = new.cpu_period or current.cpu_period
    if options.cpu_shares is not None or options.cpu_weight is not None:
        changes["cpu_weight"] = new.cpu_weight
    if options.cpuset_cpus is not None:
        changes["cpuset_cpus"] = new.cpuset_cpus
    if options.cpuset_mems is not None:
        changes["cpuset_mems"] = new.cpuset_mems
    if options.pids_limit is not None:
        changes["pids_max"] = new.pids_max
    if options.blkio_weight is not None:
        changes["io_weight"] = new.io_weight
    if new.devices:
        changes["devices"] = current.devices + new.devices
    if new.device_weights:
        changes["device_weights"] = _weights(current.device_weights + new.device_weights)
    return replace(current, **changes)  # type: ignore[arg-type]


def only_changed(old: ResourceSpec, new: ResourceSpec) -> ResourceSpec:
    """The fields of ``new`` that differ from ``old`` (others zeroed), for writing."""
    blank = ResourceSpec()
    changes = {
        name: getattr(new, name)
        for name in new.__dataclass_fields__
        if getattr(new, name) != getattr(old, name)
        and name not in ("backend", "parent", "root", "slice")
    }
    if "memory_swap_max" in changes:
        changes["swap_explicit"] = new.swap_explicit
    return replace(blank, **changes)


def cgroup_host(settings: Settings) -> CgroupHost:
    """This host's cgroups with ``--cgroup-manager`` applied (podman's warnings printed)."""
    host, warnings = preferred(probe(), settings.cgroup_manager)
    for warning in warnings:
        print(f"WARN: {warning}", file=sys.stderr)
    return host


def plan_for_create(options: ResourceOptions, settings: Settings) -> ResourceSpec:
    """The plan on this host, its warning printed (stderr), or a refusal."""
    mode = cgroup_mode(options, settings.cgroups)
    host = disabled("cgroups are disabled").host if mode == "disabled" else cgroup_host(settings)
    pids = settings.defaults.pids_limit if settings.defaults else None
    result = plan(options, settings.cgroups, host, pids)
    if result.warning:
        print(f"WARN: {result.warning}", file=sys.stderr)
    return result.spec


def manager_fact(settings: Settings) -> HostFact:
    """The cgroup manager chosen for this user, for ``hutch info``."""
    from hutch.api.system import HostFact

    if settings.cgroups == "disabled":
        return HostFact("cgroup manager", "disabled (by the [containers] cgroups setting)", True)
    manager = manager_for(cgroup_host(settings))
    host = manager.host
    if manager.name == DISABLED:
        return HostFact(
            "cgroup manager",
            f"disabled: {host.reason}",
            False,
            f"limits (--memory, --cpus, ...) are refused; to enforce them, {FIX}",
        )
    controllers = " ".join(host.controllers)
    return HostFact("cgroup manager", f"{manager.name} ({host.reason}; {controllers})", True)

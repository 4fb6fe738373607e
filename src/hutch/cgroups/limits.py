"""A container's resources: where its cgroup goes, and its limits (the spec's ``resources``).

Plain data built by the engine (``engine/resources.py`` and the manager's
``place``), which has already decided that every limit here can be
enforced; the monitor turns it into cgroup v2 files (``cgroups/v2.py``)
through the manager the spec names (``cgroups/manager.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

NO_CGROUP = ""
CGROUPFS = "cgroupfs"
SYSTEMD = "systemd"


@dataclass(frozen=True)
class DeviceLimit:
    """One io.max entry: ``device`` is MAJOR:MINOR, ``kind`` rbps, wbps, riops or wiops;
    or one device's weight (``--blkio-weight-device``, 10..1000): ``kind`` is the
    file that weighs the device's I/O, io.weight (the io.cost controller) or
    io.bfq.weight (the BFQ scheduler), chosen where the limits are placed."""

    device: str
    kind: str
    value: int


@dataclass(frozen=True)
class ResourceSpec:
    # "" (no cgroup of its own), cgroupfs or systemd.
    backend: str = NO_CGROUP
    # The parent directory of the container's cgroup (cgroupfs), an absolute
    # path under the cgroup2 mount; the container's cgroup is parent/<id>.
    parent: str = ""
    # The highest cgroup the user owns, above ``parent``: controllers are
    # enabled along the path from here down (cgroupfs).
    root: str = ""
    # systemd: the slice the container's scope goes into (--cgroup-parent
    # NAME.slice); "" for the manager's default.
    slice: str = ""
    memory_max: int = 0  # bytes; 0: no limit
    memory_low: int = 0  # --memory-reservation
    # memory.swap.max in bytes; -1: leave alone; -2: "max". ``swap_explicit``
    # is False when the value was implied by --memory (podman: swap = memory),
    # so that a kernel without swap accounting does not refuse it.
    memory_swap_max: int = -1
    swap_explicit: bool = False
    cpu_quota: int = 0  # microseconds per period; 0: no limit
    cpu_period: int = 0
    cpu_weight: int = 0  # 1..10000; 0: default
    cpuset_cpus: str = ""
    cpuset_mems: str = ""
    pids_max: int = 0  # 0: not set; -1: "max"
    # the pids limit where none is asked and a pids controller exists: 0 is podman's
    # 2048, -1 none (containers.conf's pids_limit)
    pids_default: int = 0
    io_weight: int = 0  # --blkio-weight, 10..1000 (converted for io.weight)
    devices: tuple[DeviceLimit, ...] = ()
    device_weights: tuple[DeviceLimit, ...] = ()  # --blkio-weight-device
    # --cgroup-conf and containers.conf's cgroup_conf: (file, value) written as given
    unified: tuple[tuple[str, str], ...] = ()

    @property
    def has_cgroup(self) -> bool:
        return self.backend != NO_CGROUP

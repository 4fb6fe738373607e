"""The resource limit flags of ``run``, ``create`` and ``update``, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import ResourceOptions


Memory = Annotated[
    str | None,
    typer.Option("--memory", "-m", help="Memory limit (e.g. 64m, 1g); memory.max."),
]
MemoryReservation = Annotated[
    str | None,
    typer.Option("--memory-reservation", help="Memory soft limit (memory.low)."),
]
MemorySwap = Annotated[
    str | None,
    typer.Option(
        "--memory-swap", help="Memory plus swap limit (-1: unlimited swap); needs --memory."
    ),
]
Cpus = Annotated[
    str | None,
    typer.Option("--cpus", help="Number of CPUs (e.g. 0.5: cpu.max 50000 100000)."),
]
CpuShares = Annotated[
    int | None,
    typer.Option("--cpu-shares", "-c", help="CPU shares (relative weight, 2-262144)."),
]
CpuWeight = Annotated[
    int | None, typer.Option("--cpu-weight", help="CPU weight (cpu.weight, 1-10000).")
]
CpuQuota = Annotated[
    int | None,
    typer.Option("--cpu-quota", help="CPU time in microseconds per --cpu-period."),
]
CpuPeriod = Annotated[
    int | None,
    typer.Option("--cpu-period", help="CPU period in microseconds (default 100000)."),
]
CpusetCpus = Annotated[
    str | None, typer.Option("--cpuset-cpus", help="CPUs the container may run on (0-3,5).")
]
CpusetMems = Annotated[
    str | None, typer.Option("--cpuset-mems", help="Memory nodes the container may use (0-1).")
]
PidsLimit = Annotated[
    int | None,
    typer.Option("--pids-limit", help="Maximum number of processes (default 2048; -1: unlimited)."),
]
BlkioWeight = Annotated[
    int | None, typer.Option("--blkio-weight", help="Block I/O weight (10-1000).")
]
DeviceReadBps = Annotated[
    list[str] | None,
    typer.Option("--device-read-bps", help="Limit reads from a device (DEVICE:RATE, e.g. 1mb)."),
]
DeviceWriteBps = Annotated[
    list[str] | None,
    typer.Option("--device-write-bps", help="Limit writes to a device (DEVICE:RATE)."),
]
DeviceReadIops = Annotated[
    list[str] | None,
    typer.Option("--device-read-iops", help="Limit read operations per second (DEVICE:N)."),
]
DeviceWriteIops = Annotated[
    list[str] | None,
    typer.Option("--device-write-iops", help="Limit write operations per second (DEVICE:N)."),
]
Cgroups = Annotated[
    str | None,
    typer.Option(
        "--cgroups",
        help="enabled, disabled (no cgroup: limits only warn), no-conmon or split.",
    ),
]
CgroupParent = Annotated[
    str | None,
    typer.Option(
        "--cgroup-parent",
        help="Parent cgroup path (inside your delegated cgroup), or a slice with systemd.",
    ),
]


def to_options(
    *,
    memory: str | None = None,
    memory_reservation: str | None = None,
    memory_swap: str | None = None,
    cpus: str | None = None,
    cpu_shares: int | None = None,
    cpu_weight: int | None = None,
    cpu_quota: int | None = None,
    cpu_period: int | None = None,
    cpuset_cpus: str | None = None,
    cpuset_mems: str | None = None,
    pids_limit: int | None = None,
    blkio_weight: int | None = None,
    device_read_bps: list[str] | None = None,
    device_write_bps: list[str] | None = None,
    device_read_iops: list[str] | None = None,
    device_write_iops: list[str] | None = None,
    cgroups: str | None = None,
    cgroup_parent: str | None = None,
) -> ResourceOptions:
    from hutch.api.container_config import ResourceOptions

    return ResourceOptions(
        memory=memory,
        memory_reservation=memory_reservation,
        memory_swap=memory_swap,
        cpus=cpus,
        cpu_shares=cpu_shares,
        cpu_weight=cpu_weight,
        cpu_quota=cpu_quota,
        cpu_period=cpu_period,
        cpuset_cpus=cpuset_cpus,
        cpuset_mems=cpuset_mems,
        pids_limit=pids_limit,
        blkio_weight=blkio_weight,
        device_read_bps=tuple(device_read_bps or ()),
        device_write_bps=tuple(device_write_bps or ()),
        device_read_iops=tuple(device_read_iops or ()),
        device_write_iops=tuple(device_write_iops or ()),
        cgroups=cgroups,
        cgroup_parent=cgroup_parent,
    )

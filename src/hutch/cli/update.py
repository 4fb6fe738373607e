"""``hutch update``: change the resource limits of a container."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import flags_resources as fr
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def update(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
        memory: fr.Memory = None,
        memory_reservation: fr.MemoryReservation = None,
        memory_swap: fr.MemorySwap = None,
        cpus: fr.Cpus = None,
        cpu_shares: fr.CpuShares = None,
        cpu_weight: fr.CpuWeight = None,
        cpu_quota: fr.CpuQuota = None,
        cpu_period: fr.CpuPeriod = None,
        cpuset_cpus: fr.CpusetCpus = None,
        cpuset_mems: fr.CpusetMems = None,
        pids_limit: fr.PidsLimit = None,
        blkio_weight: fr.BlkioWeight = None,
        device_read_bps: fr.DeviceReadBps = None,
        device_write_bps: fr.DeviceWriteBps = None,
        device_read_iops: fr.DeviceReadIops = None,
        device_write_iops: fr.DeviceWriteIops = None,
    ) -> None:
        """Update the resource limits of a container (at once when it is running)."""
        options = fr.to_options(
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
            device_read_bps=device_read_bps,
            device_write_bps=device_write_bps,
            device_read_iops=device_read_iops,
            device_write_iops=device_write_iops,
        )
        print(state_of(ctx).engine().update(container, options))

    app.command("update")(update)
    container_app.command("update")(update)

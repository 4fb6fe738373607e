"""``GET /containers/{id}/stats`` in Docker's shape, from the engine's samples.

docker CLI computes the CPU percentage from two samples: the container's
``cpu_usage.total_usage`` and the host's ``system_cpu_usage`` (both in
nanoseconds) against ``precpu_stats``, times ``online_cpus``. A container
without a cgroup of its own (a host without usable cgroup v2 controllers)
is sampled from its processes in /proc by the engine. A stopped container
has no sample: its answer carries the names and zeros, as Docker's does.
"""

from __future__ import annotations

import os
from typing import Any

from hutch.api.containers import StatsReport
from hutch.service.docker.timefmt import ZERO_TIME, rfc3339

JSON = dict[str, Any]


def system_cpu_ns() -> int:
    """The host's CPU time (all CPUs, all states) in nanoseconds, as Docker reads it."""
    try:
        with open("/proc/stat") as f:
            first = f.readline().split()
    except OSError:
        return 0
    ticks = sum(int(v) for v in first[1:8])
    return ticks * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def _cpu(report: StatsReport | None, system: int, cpus: int) -> JSON:
    usage = report.cpu_usec * 1000 if report else 0
    return {
        "cpu_usage": {
            "total_usage": usage,
            "usage_in_kernelmode": 0,
            "usage_in_usermode": usage,
        },
        "system_cpu_usage": system,
        "online_cpus": cpus,
        "throttling_data": {
            "periods": 0,
            "throttled_periods": report.nr_throttled if report else 0,
            "throttled_time": report.throttled_usec * 1000 if report else 0,
        },
    }


def stats_json(
    container_id: str,
    name: str,
    report: StatsReport | None,
    previous: StatsReport | None,
    system: int,
    previous_system: int,
    read_at: float,
    preread_at: float | None,
) -> JSON:
    cpus = report.cpus if report else (os.cpu_count() or 1)
    memory: JSON = {}
    networks: JSON = {}
    blkio: JSON = {"io_service_bytes_recursive": None}
    if report is not None:
        memory = {"usage": report.mem_usage, "limit": report.mem_limit, "stats": {}}
        networks = {
            "eth0": {
                "rx_bytes": report.net_input,
                "tx_bytes": report.net_output,
                "rx_packets": 0,
                "tx_packets": 0,
                "rx_errors": 0,
                "tx_errors": 0,
                "rx_dropped": 0,
                "tx_dropped": 0,
            }
        }
        blkio = {
            "io_service_bytes_recursive": [
                {"major": 0, "minor": 0, "op": "read", "value": report.block_input},
                {"major": 0, "minor": 0, "op": "write", "value": report.block_output},
            ]
        }
    precpu = (
        _cpu(previous, previous_system, cpus)
        if preread_at is not None
        else {"cpu_usage": {"total_usage": 0}, "throttling_data": {}}
    )
    return {
        "read": rfc3339(read_at),
        "preread": rfc3339(preread_at) if preread_at is not None else ZERO_TIME,
        "pids_stats": {"current": report.pids} if report else {},
        "blkio_stats": blkio,
        "num_procs": 0,
        "storage_stats": {},
        "cpu_stats": _cpu(report, system, cpus),
        "precpu_stats": precpu,
        "memory_stats": memory,
        "name": f"/{name}",
        "id": container_id,
        "networks": networks,
    }

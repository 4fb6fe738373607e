"""The options and reports of ``port``, ``top`` and ``stats``.

Apart from api/containers.py (which re-exports them) so that these queries, which
scripts and monitoring loops run often, load none of the rest of the container verbs'
classes (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortOptions:
    all: bool = False  # every container with published ports


@dataclass(frozen=True)
class PublishedPort:
    host_ip: str
    host_port: int
    container_port: int
    protocol: str


@dataclass(frozen=True)
class PortReport:
    """The published ports of one container (``hutch port``)."""

    id: str
    name: str
    ports: tuple[PublishedPort, ...]


@dataclass(frozen=True)
class StatsOptions:
    all: bool = False  # with no names: every running container


@dataclass(frozen=True)
class StatsReport:
    id: str
    name: str
    cpu_usec: int  # cpu.stat usage_usec
    sampled_at: float  # time.time() of the sample
    started_at: float
    cpus: int  # CPUs the percentage is relative to (as podman: 100% is one CPU)
    mem_usage: int
    mem_limit: int  # memory.max, or the host's memory when unlimited
    pids: int
    net_input: int
    net_output: int
    block_input: int
    block_output: int
    throttled_usec: int = 0
    nr_throttled: int = 0
    oom_kills: int = 0
    cpu_system_usec: int = 0  # cpu.stat system_usec

    @property
    def mem_percent(self) -> float:
        return 100.0 * self.mem_usage / self.mem_limit if self.mem_limit > 0 else 0.0


def cpu_percent(current: StatsReport, previous: StatsReport | None = None) -> float:
    """CPU use between two samples, or since the start without a previous one (100 = one CPU)."""
    if previous is not None and previous.id == current.id:
        used = current.cpu_usec - previous.cpu_usec
        elapsed = current.sampled_at - previous.sampled_at
    else:
        used = current.cpu_usec
        elapsed = current.sampled_at - current.started_at
    if elapsed <= 0:
        return 0.0
    return 100.0 * used / 1e6 / elapsed


@dataclass(frozen=True)
class TopReport:
    """ps-style output: one header per descriptor, one row per process."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

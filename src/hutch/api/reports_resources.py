"""What ``stats`` reports: one sample of a container's cgroup counters."""

from __future__ import annotations

from dataclasses import dataclass


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

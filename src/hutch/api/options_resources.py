"""Resource limit flags of ``run``, ``create`` and ``update``, as the user typed them.

The engine parses and checks them (``engine/resources.py``); ``None`` and
empty tuples mean "not given".
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ResourceOptions:
    memory: str | None = None  # 64m, 1g, bytes
    memory_reservation: str | None = None
    memory_swap: str | None = None  # memory + swap; -1: unlimited swap
    cpus: str | None = None  # 0.5
    cpu_shares: int | None = None
    cpu_weight: int | None = None
    cpu_quota: int | None = None
    cpu_period: int | None = None
    cpuset_cpus: str | None = None
    cpuset_mems: str | None = None
    pids_limit: int | None = None  # -1 or 0: unlimited
    blkio_weight: int | None = None
    device_read_bps: tuple[str, ...] = ()
    device_write_bps: tuple[str, ...] = ()
    device_read_iops: tuple[str, ...] = ()
    device_write_iops: tuple[str, ...] = ()
    cgroups: str | None = None  # enabled, disabled, no-conmon, split
    cgroup_parent: str | None = None

    def given_limits(self) -> tuple[str, ...]:
        """The limit flags given, as ``--flag-name`` (for messages)."""
        out = []
        for f in fields(self):
            if f.name in ("cgroups", "cgroup_parent"):
                continue
            value = getattr(self, f.name)
            if value is not None and value != ():
                out.append("--" + f.name.replace("_", "-"))
        return tuple(out)

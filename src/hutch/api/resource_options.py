"""The resource flags of a container (run, create, update, pod create, build's RUN):
kept as the user typed them, parsed and checked by the engine (``engine/resources.py``).

A module of its own, re-exported by api/container_config.py: build's options take
it without the eleven other classes of a container's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    blkio_weight_device: tuple[str, ...] = ()  # DEVICE:WEIGHT
    device_read_bps: tuple[str, ...] = ()
    device_write_bps: tuple[str, ...] = ()
    device_read_iops: tuple[str, ...] = ()
    device_write_iops: tuple[str, ...] = ()
    cgroups: str | None = None  # enabled, disabled, no-conmon, split
    cgroup_parent: str | None = None
    cgroup_conf: tuple[str, ...] = ()  # --cgroup-conf KEY=VALUE: cgroup v2 files to write
    # Limits only a root user's cgroup v1 has (podman-run(1) says so), taken by run,
    # create, update and clone: checked, then ignored with a warning, as podman does
    # where it cannot apply them. (Records made before they moved here kept them
    # beside the resources: never applied, so the default None loses nothing.)
    cpu_rt_period: int | None = None
    cpu_rt_runtime: int | None = None
    memory_swappiness: int | None = None

    def given_limits(self) -> tuple[str, ...]:
        """The limit flags given that hutch applies, as ``--flag-name`` (for messages).

        The limits are the flags ``update`` takes, named as in the flag table, but
        for the cgroup v1 ones (``cgroup_v1_warnings``): they never reach a cgroup.
        """
        from hutch.api.container_flags import flags_of

        out = []
        for flag in flags_of("update"):
            name = flag.field.removeprefix("resources.")
            value = getattr(self, name)
            if value is not None and value != () and name not in CGROUP_V1_ONLY:
                out.append(flag.name)
        return tuple(out)

    def cgroup_v1_warnings(self) -> list[str]:
        """The warnings for the limits only a root user's cgroup v1 applies
        (podman-run(1)): a rootless container never gets them, so each is dropped
        with a word, as podman drops them where it cannot apply them (its words for
        the real-time ones); a swappiness out of range is refused, as podman's."""
        words = []
        if self.cpu_rt_period is not None:
            words.append("Realtime period not supported on cgroups V2 systems")
        if self.cpu_rt_runtime is not None:
            words.append("Realtime runtime not supported on cgroups V2 systems")
        swappiness = self.memory_swappiness
        if swappiness is not None:
            if not -1 <= swappiness <= 100:  # -1 is podman's "not set"
                from hutch.api.errors import InvalidArgument

                raise InvalidArgument(
                    f"invalid value: {swappiness}, valid memory swappiness range is 0-100"
                )
            if swappiness != -1:
                words.append(
                    "--memory-swappiness is ignored: only a root user's cgroup v1 applies it"
                )
        return words


# ResourceOptions' fields of the limits no rootless container can have
CGROUP_V1_ONLY = ("cpu_rt_period", "cpu_rt_runtime", "memory_swappiness")

"""The cgroup manager: one interface, three backends, chosen once per process.

As crun's ``libcrun_cgroup_manager``: the engine asks the host once
(``host.probe``) and gets the manager that places every container of the
command (``manager_for``); the monitor gets the same backend back from the
name the spec recorded (``manager_of``) and makes the cgroup with it. No
caller branches on the backend's name.

- ``Systemd``: a transient scope per container, the cgroup inside it;
  ``--cgroup-parent NAME.slice`` is the scope's slice.
- ``Cgroupfs``: below the highest cgroup the user owns (``hutch/<id>``, or
  ``--cgroup-parent /PATH`` inside it).
- ``Disabled``: no cgroup; a limit asked for is refused with the reason and
  the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.cgroups import v2
from hutch.cgroups.host import DISABLED, FIX, CgroupHost
from hutch.cgroups.limits import CGROUPFS, NO_CGROUP, SYSTEMD, DeviceLimit, ResourceSpec

DEFAULT_PIDS_LIMIT = 2048
_SLICE = r"^[A-Za-z0-9:_.-]+\.slice$"  # compiled at its first use (re caches it)
# Made even without a limit of theirs: ``stats`` reads their files.
_STATS_CONTROLLERS = frozenset({"memory", "cpu", "io", "pids"})


@dataclass(frozen=True)
class Placement:
    """What was asked of a container's cgroup, in the terms a manager needs."""

    limits: ResourceSpec  # parsed, without a backend
    asked: tuple[str, ...] = ()  # the limit flags given (--memory, ...), for messages
    parent: str | None = None  # --cgroup-parent
    split: bool = False  # --cgroups=split: beside the caller, in its own cgroup


# typing is imported for the checker only: the monitor imports this module,
# and every module it loads stays in its memory for the container's life.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar, Protocol

    class CgroupManager(Protocol):
        """Places containers' cgroups (the engine, at create) and makes them (the monitor)."""

        @property
        def name(self) -> str:
            """systemd, cgroupfs or disabled (``inspect``'s CgroupManager, ``info``)."""
            ...

        @property
        def host(self) -> CgroupHost: ...

        def place(self, wanted: Placement) -> ResourceSpec:
            """The container's resources on this host, or a refusal (``HostNotReady``,
            ``InvalidArgument``) before anything exists."""
            ...

        def create(self, res: ResourceSpec, container_id: str, monitor_pid: int) -> Path | None:
            """Make the container's cgroup with its limits (the monitor, before the init);
            None when it has none."""
            ...


# The refusals' last words: a verb without --cgroups (build) says its own.
DISABLE_HINT = "or run with --cgroups=disabled to start without limits"


def refusal(flag: str, host: CgroupHost) -> HostNotReady:
    return HostNotReady(
        f"{flag} cannot be enforced: {host.reason}; to fix it, {FIX}; {DISABLE_HINT}"
    )


def is_slice(name: str) -> bool:
    """A systemd slice unit name (batch.slice, user-batch.slice): no path, no template."""
    return bool(re.match(_SLICE, name))


def _enforceable(host: CgroupHost, wanted: Placement) -> ResourceSpec:
    """The limits, once every controller they need is delegated; the default pids limit."""
    limits = wanted.limits
    missing = v2.controllers_for(limits) - set(host.controllers)
    if missing:
        raise HostNotReady(
            f"{wanted.asked[0]} cannot be enforced: the {', '.join(sorted(missing))} "
            f"controller(s) are not delegated to {host.root}; to fix it, {FIX}; {DISABLE_HINT}"
        )
    if limits.pids_max == 0 and "pids" in host.controllers and limits.pids_default >= 0:
        limits = replace(limits, pids_max=limits.pids_default or DEFAULT_PIDS_LIMIT)
    if limits.device_weights:
        weights = weigh_devices(limits.device_weights, Path(host.mount or "/sys/fs/cgroup"))
        limits = replace(limits, device_weights=weights)
    return limits


def weigh_devices(weights: tuple[DeviceLimit, ...], mount: Path) -> tuple[DeviceLimit, ...]:
    """Each device weight with the file that can enforce it here, or a refusal naming
    the device and how root makes it weighable."""
    out = []
    for weight in weights:
        file = v2.device_weight_file(weight.device, mount)
        if not file:
            raise HostNotReady(
                f"--blkio-weight-device cannot be enforced for device {weight.device}: "
                "the kernel weighs a device's I/O by cgroup only under the BFQ scheduler "
                "or with the io.cost controller enabled for that device (a whole disk, "
                f"not a partition); to fix it, as root: echo '{weight.device} enable=1' > "
                f"{mount}/io.cost.qos (or select bfq in "
                f"/sys/dev/block/{weight.device}/queue/scheduler); "
                "or run with --cgroups=disabled to start without limits"
            )
        out.append(replace(weight, kind=file))
    return tuple(out)


def _new_cgroup(parent: Path, container_id: str, res: ResourceSpec) -> Path:
    cgroup = parent / container_id
    v2.create(cgroup, res)
    return cgroup


@dataclass(frozen=True)
class _Backend:
    host: CgroupHost  # what ``host.probe`` found (the monitor's: what the spec recorded)


class Disabled(_Backend):
    name: ClassVar[str] = DISABLED

    def place(self, wanted: Placement) -> ResourceSpec:
        requests = wanted.asked + (("--cgroup-parent",) if wanted.parent else ())
        if requests:
            raise refusal(requests[0], self.host)
        return ResourceSpec()

    def create(self, res: ResourceSpec, container_id: str, monitor_pid: int) -> Path | None:
        return None


class Cgroupfs(_Backend):
    name: ClassVar[str] = CGROUPFS

    def place(self, wanted: Placement) -> ResourceSpec:
        limits = _enforceable(self.host, wanted)
        if wanted.parent and is_slice(wanted.parent):
            raise InvalidArgument(
                f"invalid --cgroup-parent {wanted.parent!r}: a slice needs the systemd "
                f"cgroup manager (this host's is {self.name}); use an absolute cgroup path"
            )
        parent = self._parent_dir(wanted)
        return replace(limits, backend=CGROUPFS, parent=str(parent), root=self.host.root)

    def _parent_dir(self, wanted: Placement) -> Path:
        root = Path(self.host.root)
        if wanted.parent:
            parent = Path(self.host.mount) / wanted.parent.lstrip("/")
            if not parent.is_relative_to(root) or ".." in parent.parts:
                raise InvalidArgument(
                    f"invalid --cgroup-parent {wanted.parent!r}: it must lie inside "
                    f"your delegated cgroup {root}"
                )
            return parent
        if wanted.split and self.host.own:
            return Path(self.host.own)
        return root / "hutch"

    def create(self, res: ResourceSpec, container_id: str, monitor_pid: int) -> Path | None:
        wanted = v2.controllers_for(res) | _STATS_CONTROLLERS
        v2.prepare_parent(Path(res.root or res.parent), Path(res.parent), wanted)
        return _new_cgroup(Path(res.parent), container_id, res)


class Systemd(_Backend):
    name: ClassVar[str] = SYSTEMD

    def place(self, wanted: Placement) -> ResourceSpec:
        limits = _enforceable(self.host, wanted)
        if wanted.parent and not is_slice(wanted.parent):
            raise InvalidArgument(
                f"invalid --cgroup-parent {wanted.parent!r}: the systemd cgroup manager "
                "puts each container in a scope of a slice; name one, such as batch.slice"
            )
        # root: where enable_cpuset starts (systemd's user manager does not handle it)
        return replace(limits, backend=SYSTEMD, slice=wanted.parent or "", root=self.host.root)

    def create(self, res: ResourceSpec, container_id: str, monitor_pid: int) -> Path | None:
        """The monitor moves into a new scope first; the scope then holds the monitor
        in a leaf and the container's cgroup beside it."""
        from hutch.cgroups.systemd import enable_cpuset, start_scope

        scope = start_scope(container_id, monitor_pid, res.slice)
        wanted = v2.controllers_for(res) | _STATS_CONTROLLERS

        def pin() -> Path:
            v2.prepare_parent(scope, scope, wanted)
            return scope

        if (res.cpuset_cpus or res.cpuset_mems) and res.root:
            enable_cpuset(Path(res.root), scope.parent, pin)
        else:
            pin()
        return _new_cgroup(scope, container_id, res)


_BACKENDS: dict[str, type[Disabled] | type[Cgroupfs] | type[Systemd]] = {
    DISABLED: Disabled,
    CGROUPFS: Cgroupfs,
    SYSTEMD: Systemd,
}


def manager_for(host: CgroupHost) -> CgroupManager:
    """The manager this host offers (``host.probe()``), for the engine."""
    return _BACKENDS[host.manager](host)


def manager_of(res: ResourceSpec) -> CgroupManager:
    """The manager a container's spec was placed by, for the monitor."""
    name = DISABLED if res.backend == NO_CGROUP else res.backend
    return _BACKENDS[name](CgroupHost(name, res.root, (), "recorded in the container's spec"))


def disabled(reason: str) -> CgroupManager:
    """No cgroups, by the user's choice (``--cgroups=disabled``, the setting)."""
    return Disabled(CgroupHost(DISABLED, "", (), reason))

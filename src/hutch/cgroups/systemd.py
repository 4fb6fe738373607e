"""The systemd manager's units: a transient scope with Delegate=yes for each container,
and a transient slice for each pod, which holds its members' scopes.

Through ``busctl`` on the user bus (``StartTransientUnit``, as podman does
through its D-Bus library): no D-Bus library in the monitor, which calls it.
A pod's limits are the slice's unit properties (MemoryMax=, CPUQuota= ...):
systemd owns a slice's cgroup files and writes its own values over others'
whenever it realizes the slice again (a member's scope arriving), so only
what it has no property for here, the per-device I/O lines, is written to
the slice's cgroup directly (systemd rewrites only the devices it knows).
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path

from hutch.cgroups import v2
from hutch.cgroups.limits import ResourceSpec

INFINITY = str(2**64 - 1)  # systemd's "infinity" of a t (uint64) property
_CPUSET_TRIES = 20
# what a write says where systemd took cpuset back meanwhile: the controller is not
# offered (subtree_control), or the cpuset file went with it
_TAKEN_BACK = (errno.ENOENT, errno.EACCES)


def _manager_call(method: str, signature: str, *args: str) -> list[str]:
    return [
        "busctl",
        "--user",
        "call",
        "--quiet",
        "org.freedesktop.systemd1",
        "/org/freedesktop/systemd1",
        "org.freedesktop.systemd1.Manager",
        method,
        signature,
        *args,
    ]


def _start_call(unit: str, properties: list[list[str]]) -> list[str]:
    """StartTransientUnit of ``unit`` with ``properties`` ([name, signature, value...])."""
    flat = [item for prop in properties for item in prop]
    return _manager_call(
        "StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "fail", str(len(properties)), *flat, "0"
    )


def scope_call(container_id: str, pid: int, slice_: str = "") -> list[str]:
    """The ``busctl`` argv of StartTransientUnit for a container's scope."""
    properties = [
        ["PIDs", "au", "1", str(pid)],
        ["Delegate", "b", "true"],
        ["CollectMode", "s", "inactive-or-failed"],
    ]
    if slice_:
        properties.append(["Slice", "s", slice_])
    return _start_call(f"hutch-{container_id[:12]}.scope", properties)


def pod_slice(pod_id: str, parent: str = "user.slice") -> str:
    """A pod's slice unit, in the user manager's user.slice (podman: user-libpod_pod_ID),
    or in the slice ``parent`` (pod create --cgroup-parent)."""
    return f"{parent.removesuffix('.slice')}-hutch_pod_{pod_id}.slice"


def slice_dir(root: Path, name: str) -> Path:
    """The cgroup of slice ``name`` below the manager's cgroup ``root``: each dash
    of the name is a level (user-x.slice is user.slice/user-x.slice)."""
    parts = name.removesuffix(".slice").split("-")
    path = root
    for depth in range(1, len(parts) + 1):
        path = path / ("-".join(parts[:depth]) + ".slice")
    return path


def _cpu_bitmask(text: str) -> list[str]:
    """A cpuset list (0-2,4) as systemd's AllowedCPUs= byte array, busctl style."""
    cpus: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    mask = bytearray(max(cpus) // 8 + 1)
    for cpu in cpus:
        mask[cpu // 8] |= 1 << (cpu % 8)
    return [str(len(mask)), *(str(b) for b in mask)]


def slice_properties(res: ResourceSpec) -> list[list[str]]:
    """The unit properties that enforce ``res`` on a slice (all but the device lines)."""
    props: list[list[str]] = []
    if res.memory_max > 0:
        props.append(["MemoryMax", "t", str(res.memory_max)])
    if res.memory_low > 0:
        props.append(["MemoryLow", "t", str(res.memory_low)])
    if res.memory_swap_max != -1:
        swap = INFINITY if res.memory_swap_max == -2 else str(res.memory_swap_max)
        props.append(["MemorySwapMax", "t", swap])
    if res.cpu_quota > 0:
        period = res.cpu_period or v2.DEFAULT_CPU_PERIOD
        props.append(["CPUQuotaPerSecUSec", "t", str(res.cpu_quota * 1_000_000 // period)])
        props.append(["CPUQuotaPeriodUSec", "t", str(period)])
    elif res.cpu_period > 0:
        props.append(["CPUQuotaPeriodUSec", "t", str(res.cpu_period)])
    if res.cpu_weight > 0:
        props.append(["CPUWeight", "t", str(res.cpu_weight)])
    if res.cpuset_cpus:
        props.append(["AllowedCPUs", "ay", *_cpu_bitmask(res.cpuset_cpus)])
    if res.cpuset_mems:
        props.append(["AllowedMemoryNodes", "ay", *_cpu_bitmask(res.cpuset_mems)])
    if res.pids_max:
        props.append(["TasksMax", "t", INFINITY if res.pids_max < 0 else str(res.pids_max)])
    if res.io_weight > 0:
        props.append(["IOWeight", "t", str(v2.blkio_to_io_weight(res.io_weight))])
    if res.devices or res.device_weights:
        props.append(["IOAccounting", "b", "true"])  # io enabled on the slice, for the lines
    return props


def _run(argv: list[str], unit: str) -> None:
    import subprocess  # only the systemd path pays for it

    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise OSError(f"systemd did not answer for {unit} within 30 s") from None
    if done.returncode != 0:
        raise OSError(f"systemd refused {unit}: {done.stderr.strip() or done.returncode}")


def enable_cpuset(root: Path, cgroup: Path, pin: Callable[[], Path]) -> None:
    """Give ``cgroup``'s children the cpuset controller: enable it in each cgroup
    from the manager's ``root`` down to ``cgroup``, then call ``pin``.

    systemd's user manager does not manage cpuset: AllowedCPUs= on a user unit
    is recorded and changes nothing (systemd 252, checked in the test guest),
    and writing cpuset.cpus where the controller is off fails with EACCES. The
    controller is delegated all the same (it is in root's cgroup.controllers),
    so we enable it ourselves, as crun does along its own path. Only the
    manager's root and slices are touched: they hold no processes.

    Nor does systemd leave the controller alone: realizing a unit (a scope of
    ours, a stopped pod's slice) it writes its own set to the parents'
    subtree_control and takes cpuset back where no child holds it yet, so a
    write further down fails with ENOENT (the controller is gone from that
    cgroup's controllers; seen once in CI). Once a child has cpuset in its own
    subtree_control the kernel refuses to take it from the parents (EBUSY), so
    the chain holds from then on. ``pin`` is the step that makes use of the
    chain (the scope's own subtree_control, the slice's cpuset lines) and
    returns the cgroup whose subtree_control must still hold cpuset after it;
    the whole walk is retried until it does.
    """
    for attempt in range(_CPUSET_TRIES):
        try:
            current = root
            v2.enable_controller(current, "cpuset")
            for part in cgroup.relative_to(root).parts:
                current = current / part
                v2.enable_controller(current, "cpuset")
            if _holds_cpuset(pin()):
                return
        except v2.CgroupError as exc:
            if exc.errno not in _TAKEN_BACK or attempt == _CPUSET_TRIES - 1:
                raise
        time.sleep(0.01 * (attempt + 1))
    raise OSError(f"the cpuset controller did not stay enabled above {cgroup}")


def _holds_cpuset(cgroup: Path) -> bool:
    try:
        return "cpuset" in v2.subtree(cgroup)
    except OSError:
        return False


def start_slice(name: str, cgroup: Path, res: ResourceSpec, root: Path | None = None) -> None:
    """Start the transient slice ``name`` with ``res`` as its properties, wait for its
    cgroup (``cgroup``), and write the device lines there (and the cpuset lines, which
    systemd does not write: ``enable_cpuset``, from the manager's cgroup ``root``)."""
    _run(_start_call(name, [["Description", "s", "hutch pod"], *slice_properties(res)]), name)
    for _ in range(500):  # the start job runs after the call returns
        if cgroup.is_dir():
            break
        time.sleep(0.01)
    else:
        raise OSError(f"systemd did not make the cgroup {cgroup} of {name}")
    devices = ResourceSpec(devices=res.devices, device_weights=res.device_weights)
    v2.write_limits(cgroup, devices)
    if (res.cpuset_cpus or res.cpuset_mems) and root is not None:
        cpuset = ResourceSpec(cpuset_cpus=res.cpuset_cpus, cpuset_mems=res.cpuset_mems)

        def pin() -> Path:
            v2.write_limits(cgroup, cpuset)
            return cgroup.parent

        enable_cpuset(root, cgroup.parent, pin)


def stop_unit(name: str) -> None:
    """Stop a unit (a pod's slice: whatever is left in it is killed)."""
    _run(_manager_call("StopUnit", "ss", name, "replace"), name)


def start_scope(container_id: str, pid: int, slice_: str = "") -> Path:
    """Put ``pid`` into a new transient scope with Delegate=yes; the scope's cgroup.

    Through ``busctl`` on the user bus (no D-Bus library in the monitor).
    """
    unit = f"hutch-{container_id[:12]}.scope"
    _run(scope_call(container_id, pid, slice_), f"scope {unit}")
    mount = v2.mount_point() or Path("/sys/fs/cgroup")
    for _ in range(500):  # systemd moves the pid asynchronously
        scope = v2.cgroup_of_pid(pid, mount)
        if scope is not None and scope.name == unit:
            return scope
        time.sleep(0.01)
    raise OSError(f"systemd did not move the monitor into {unit}")

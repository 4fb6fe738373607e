"""cgroup v2 files: create a container's cgroup, write its limits, join, freeze, read, remove.

Standard library only: the monitor (a small process per container) and the
container init import it. Every path here is an absolute directory under
the cgroup2 mount; the manager that chose it is in ``cgroups/manager.py``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from hutch.cgroups.limits import ResourceSpec

DEFAULT_CPU_PERIOD = 100000
# The leaf a non-leaf cgroup's own processes move to before controllers can
# be enabled below it ("no internal processes": a cgroup that hands
# controllers to its children may hold no processes itself).
LEAF = "init"
IO_WEIGHT = "io.weight"
BFQ_WEIGHT = "io.bfq.weight"


class CgroupError(OSError):
    """A cgroup file could not be written; the message names the file."""


def limit_files(res: ResourceSpec, present: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The (file, value) pairs that enforce ``res``; ``present`` says whether a file exists.

    Optional files (swap accounting, the BFQ weight) are only written where
    the kernel has them, unless the user asked for them by name.
    """
    out: list[tuple[str, str]] = []
    if res.cpuset_cpus:
        out.append(("cpuset.cpus", res.cpuset_cpus))
    if res.cpuset_mems:
        out.append(("cpuset.mems", res.cpuset_mems))
    if res.memory_max > 0:
        out.append(("memory.max", str(res.memory_max)))
    if res.memory_low > 0:
        out.append(("memory.low", str(res.memory_low)))
    if res.memory_swap_max != -1 and (res.swap_explicit or present("memory.swap.max")):
        swap = "max" if res.memory_swap_max == -2 else str(res.memory_swap_max)
        out.append(("memory.swap.max", swap))
    if res.cpu_quota > 0 or res.cpu_period > 0:
        quota = str(res.cpu_quota) if res.cpu_quota > 0 else "max"
        out.append(("cpu.max", f"{quota} {res.cpu_period or DEFAULT_CPU_PERIOD}"))
    if res.cpu_weight > 0:
        out.append(("cpu.weight", str(res.cpu_weight)))
    if res.pids_max:
        out.append(("pids.max", "max" if res.pids_max < 0 else str(res.pids_max)))
    if res.io_weight > 0:
        if present("io.bfq.weight"):
            out.append(("io.bfq.weight", str(res.io_weight)))
        else:
            out.append(("io.weight", f"default {blkio_to_io_weight(res.io_weight)}"))
    by_device: dict[str, list[str]] = {}
    for limit in res.devices:
        by_device.setdefault(limit.device, []).append(f"{limit.kind}={limit.value}")
    for device, values in by_device.items():
        out.append(("io.max", f"{device} {' '.join(values)}"))
    # One device per write: the kernel takes a single line at a time.
    for weight in res.device_weights:
        value = weight.value if weight.kind == BFQ_WEIGHT else blkio_to_io_weight(weight.value)
        out.append((weight.kind, f"{weight.device} {value}"))
    # last: a file the user names stands over hutch's value for it
    out.extend((name, value) for name, value in res.unified)
    return out


def device_weight_file(device: str, mount: Path, sysfs: Path = Path("/sys")) -> str:
    """The file that can weigh ``device``'s I/O (MAJOR:MINOR) in a cgroup: io.bfq.weight
    where the device's scheduler is BFQ, io.weight where root enabled the io.cost
    controller for it (the kernel refuses a device's io.weight line otherwise, EIO);
    "" for neither (a partition has no queue of its own: neither)."""
    try:
        scheduler = (sysfs / "dev" / "block" / device / "queue" / "scheduler").read_text()
    except OSError:
        return ""
    if "[bfq]" in scheduler:
        return BFQ_WEIGHT
    with contextlib.suppress(OSError):
        for line in (mount / "io.cost.qos").read_text().splitlines():
            fields = line.split()
            if fields and fields[0] == device and "enable=1" in fields[1:]:
                return IO_WEIGHT
    return ""


def blkio_to_io_weight(weight: int) -> int:
    """The blkio range 10..1000 mapped linearly onto io.weight's 1..10000."""
    return 1 + (weight - 10) * 9999 // 990


def controllers_for(res: ResourceSpec) -> set[str]:
    """The controllers a cgroup needs to enforce ``res``."""
    needed: set[str] = set()
    if res.memory_max or res.memory_low or res.memory_swap_max != -1:
        needed.add("memory")
    if res.cpu_quota or res.cpu_period or res.cpu_weight:
        needed.add("cpu")
    if res.cpuset_cpus or res.cpuset_mems:
        needed.add("cpuset")
    if res.pids_max:
        needed.add("pids")
    if res.io_weight or res.devices or res.device_weights:
        needed.add("io")
    # --cgroup-conf memory.high=...: the controller that has the file
    needed |= {n.partition(".")[0] for n, _ in res.unified} & KNOWN_CONTROLLERS
    return needed


# the controllers whose files --cgroup-conf may name (cgroup.* files need none)
KNOWN_CONTROLLERS = frozenset({"cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma", "misc"})


def _write(path: Path, value: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as exc:
        raise CgroupError(exc.errno, f"writing {value!r} to {path}: {exc.strerror}") from exc


def write_limits(cgroup: Path, res: ResourceSpec) -> None:
    for name, value in limit_files(res, lambda n: (cgroup / n).exists()):
        _write(cgroup / name, value)


def controllers(cgroup: Path) -> set[str]:
    try:
        return set((cgroup / "cgroup.controllers").read_text().split())
    except OSError:
        return set()


def subtree(cgroup: Path) -> set[str]:
    """The controllers ``cgroup`` hands to its children (its ``cgroup.subtree_control``);
    an OSError if the file cannot be read."""
    return set((cgroup / "cgroup.subtree_control").read_text().split())


def _procs(cgroup: Path) -> list[str]:
    try:
        return (cgroup / "cgroup.procs").read_text().split()
    except OSError:
        return []


def make_domain(cgroup: Path, wanted: set[str]) -> None:
    """Let ``cgroup`` hand ``wanted`` controllers to its children.

    Its own processes (if any) first move to a leaf child, as crun and
    podman do, since a cgroup with controllers enabled below it may hold no
    processes.
    """
    enable = sorted(wanted & controllers(cgroup))
    if not enable:
        return
    enabled = subtree(cgroup)
    if not set(enable) - enabled:
        return
    pids = _procs(cgroup)
    if pids:
        leaf = cgroup / LEAF
        leaf.mkdir(exist_ok=True)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                try:
                    _write(leaf / "cgroup.procs", pid)
                except CgroupError as exc:
                    if exc.errno != errno.ESRCH:
                        raise
    _write(cgroup / "cgroup.subtree_control", " ".join(f"+{c}" for c in enable))


def enable_controller(cgroup: Path, name: str) -> None:
    """Enable controller ``name`` in ``cgroup``'s subtree_control (once); for a cgroup
    that holds no processes, where ``make_domain``'s move to a leaf is not wanted."""
    if name not in subtree(cgroup):
        _write(cgroup / "cgroup.subtree_control", f"+{name}")


def prepare_parent(root: Path, parent: Path, wanted: set[str]) -> None:
    """Create ``parent`` below the owned ``root`` with ``wanted`` enabled along the way."""
    relative = parent.relative_to(root)
    current = root
    make_domain(current, wanted)
    for part in relative.parts:
        current = current / part
        current.mkdir(exist_ok=True)
        make_domain(current, wanted)


def create(cgroup: Path, res: ResourceSpec) -> None:
    cgroup.mkdir(exist_ok=True)
    write_limits(cgroup, res)


def join(cgroup: Path) -> None:
    """Move the calling process into ``cgroup``."""
    _write(cgroup / "cgroup.procs", "0")


def events(cgroup: Path, name: str) -> dict[str, int]:
    """A flat keyed file (memory.events, cgroup.events) as numbers ({} when missing)."""
    out: dict[str, int] = {}
    try:
        text = (cgroup / name).read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        with contextlib.suppress(ValueError):
            out[key] = int(value)
    return out


def oom_kills(cgroup: Path) -> int:
    return events(cgroup, "memory.events").get("oom_kill", 0)


def freeze(cgroup: Path, frozen: bool, timeout: float = 5.0) -> None:
    """Freeze or thaw ``cgroup`` and wait until the kernel says it is done."""
    _write(cgroup / "cgroup.freeze", "1" if frozen else "0")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if events(cgroup, "cgroup.events").get("frozen", int(frozen)) == int(frozen):
            return
        time.sleep(0.005)


def remove(cgroup: Path, timeout: float = 5.0) -> None:
    """Kill what is left in ``cgroup`` and remove it (and a leaf we made inside)."""
    if not cgroup.is_dir():
        return
    if (cgroup / "cgroup.kill").exists():
        with contextlib.suppress(OSError):
            _write(cgroup / "cgroup.kill", "1")
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.rmdir(cgroup)
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.01)  # the dying processes are still being reaped


def mount_point(mountinfo: str = "/proc/self/mountinfo") -> Path | None:
    """Where the cgroup2 hierarchy is mounted (None without one)."""
    found: list[str] = []
    try:
        with open(mountinfo) as f:
            for line in f:
                left, _, right = line.partition(" - ")
                if right.split(" ", 1)[0] == "cgroup2":
                    found.append(left.split()[4])
    except OSError:
        return None
    if not found:
        return None
    return Path("/sys/fs/cgroup" if "/sys/fs/cgroup" in found else found[0])


def unified_path(proc_cgroup_text: str) -> str:
    """The cgroup v2 path of a process from its /proc/PID/cgroup text ("" without one)."""
    for line in proc_cgroup_text.splitlines():
        if line.startswith("0::"):
            return line[3:].strip()
    return ""


def cgroup_of_pid(pid: int | str, mount: Path) -> Path | None:
    try:
        text = Path(f"/proc/{pid}/cgroup").read_text()
    except OSError:
        return None
    path = unified_path(text)
    return mount / path.lstrip("/") if path else None


def read_stats(cgroup: Path) -> dict[str, int]:
    """The raw counters ``stats`` shows (missing files count as absent keys)."""
    out: dict[str, int] = {}
    for name, key in (
        ("memory.current", "memory_current"),
        ("memory.max", "memory_max"),
        ("pids.current", "pids_current"),
        ("pids.max", "pids_max"),
    ):
        with contextlib.suppress(OSError, ValueError):
            text = (cgroup / name).read_text().strip()
            out[key] = -1 if text == "max" else int(text)
    for name, prefix in (("cpu.stat", "cpu_"), ("memory.stat", "memory_stat_")):
        for key, value in events(cgroup, name).items():
            out[prefix + key] = value
    read = written = 0
    with contextlib.suppress(OSError):
        for line in (cgroup / "io.stat").read_text().splitlines():
            for item in line.split()[1:]:
                key, _, number = item.partition("=")
                if key == "rbytes":
                    read += int(number)
                elif key == "wbytes":
                    written += int(number)
    out["io_read_bytes"] = read
    out["io_write_bytes"] = written
    return out


def net_counters(pid: int) -> tuple[int, int]:
    """Bytes received and sent by the non-loopback interfaces of a process's network namespace."""
    received = sent = 0
    try:
        lines = Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]
    except OSError:
        return 0, 0
    for line in lines:
        name, _, data = line.partition(":")
        fields = data.split()
        if name.strip() == "lo" or len(fields) < 9:
            continue
        received += int(fields[0])
        sent += int(fields[8])
    return received, sent


def container_cgroup(res: ResourceSpec, container_id: str) -> Path | None:
    """Where the container's cgroup is (None without one, or before a scope exists)."""
    if not res.has_cgroup or not res.parent:
        return None
    return Path(res.parent) / container_id


def inner_mount_options(
    res: ResourceSpec, private_namespace: bool, privileged: bool
) -> tuple[str, ...] | None:
    """Options of the cgroup2 mount at /sys/fs/cgroup inside the container; None for none.

    Only a container with a cgroup of its own on a pure v2 host (its cgroup
    lies below /sys/fs/cgroup itself, not a hybrid layout's .../unified) and
    a cgroup namespace of its own, whose root the mount then shows: the
    container sees its own limits (memory.max ...) and nothing above them.
    Read-only unless ``--privileged``, as podman. A container without one
    (--cgroups=disabled, a hybrid host) gets nothing there: its /sys is a
    fresh sysfs, where /sys/fs/cgroup is an empty directory.
    """
    parent = res.parent
    if not res.has_cgroup or not private_namespace or not parent.startswith("/sys/fs/cgroup/"):
        return None
    if parent.startswith("/sys/fs/cgroup/unified/") or parent == "/sys/fs/cgroup/unified":
        return None
    return ("rw" if privileged else "ro", "nosuid", "nodev", "noexec")

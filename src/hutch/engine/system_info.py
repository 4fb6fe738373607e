"""podman's ``info`` structure (host, store) read from this host and hutch's state.

Every probe is cheap and cannot fail the command: a value that cannot be read
is left empty (0 or ""), as podman leaves what it cannot find.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path

from hutch.api.errors import HostNotReady
from hutch.api.system import CpuUsage, HostInfo, IdMap, StoreInfo, ToolInfo
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.linux import procfs
from hutch.runtime.ids import IdRange
from hutch.runtime.session import host_ranges

_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386"}


def _meminfo() -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        fields = rest.split()
        if fields and fields[0].isdigit():
            out[key] = int(fields[0]) * (1024 if fields[1:] == ["kB"] else 1)
    return out


def _uptime() -> str:
    """podman's form: ``18h 33m 34.00s (Approximately 0.75 days)`` (whole seconds;
    the days from the whole hours)."""
    try:
        seconds = int(float(Path("/proc/uptime").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes}m {secs}.00s (Approximately {hours / 24:.2f} days)"


def cpu_usage(stat_line: str) -> CpuUsage:
    """podman's cpuUtilization from /proc/stat's ``cpu`` line: user, system and idle
    time as percent of all the time counted since boot, two decimals."""
    ticks = [int(f) for f in stat_line.split()[1:] if f.isdigit()]
    total = sum(ticks)
    if len(ticks) < 4 or not total:
        return CpuUsage(0.0, 0.0, 0.0)

    def share(n: int) -> float:
        return round(n / total * 100, 2)

    return CpuUsage(share(ticks[0]), share(ticks[2]), share(ticks[3]))


def _cpu_usage() -> CpuUsage:
    try:
        with open("/proc/stat") as f:
            return cpu_usage(f.readline())
    except OSError:
        return CpuUsage(0.0, 0.0, 0.0)


def _version_of(path: str) -> str:
    """A helper's ``--version`` text, as podman shows slirp4netns's ("" if it fails)."""
    import subprocess

    if not path:
        return ""
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _monitor() -> ToolInfo:
    """podman's conmon is hutch's monitor: a module of hutch run by the interpreter
    that runs hutch (runtime/spawn.py), shipped in hutch's own package."""
    from hutch import __version__

    python = platform.python_version()
    return ToolInfo(
        path=sys.executable,
        package=f"hutch-{__version__}",
        version=f"hutch.runtime.monitor {__version__}, python {python}",
    )


def _os_release() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                out[key.strip()] = value.strip().strip('"')
        break
    return out


def _id_maps(uid: int, gid: int) -> tuple[tuple[IdMap, ...], tuple[IdMap, ...]]:
    """The session's maps as podman shows them: 0 = the user, 1.. = subordinate ranges."""
    uid_ranges, gid_ranges = host_ranges(uid)

    def maps(own: int, ranges: tuple[IdRange, ...]) -> tuple[IdMap, ...]:
        out = [IdMap(0, own, 1)]
        next_id = 1
        for r in ranges:
            out.append(IdMap(next_id, r.start, r.count))
            next_id += r.count
        return tuple(out)

    return maps(uid, uid_ranges), maps(gid, gid_ranges)


def host_info(ctx: EngineContext) -> HostInfo:
    from hutch.cgroups.manager import manager_for
    from hutch.engine.resources import cgroup_host

    uname = os.uname()
    mem = _meminfo()
    release = _os_release()
    cgroups = manager_for(cgroup_host(ctx.settings))
    v2 = Path("/sys/fs/cgroup/cgroup.controllers").exists()
    pasta = shutil.which("pasta") or ""
    slirp = shutil.which("slirp4netns") or ""
    backend = ctx.settings.network_backend or ("pasta" if pasta else "slirp4netns")
    from hutch import __version__

    # The ids outside: by now a rootless command may be uid 0 of its session.
    uid_map, gid_map = _id_maps(procfs.host_uid(), procfs.host_gid())
    return HostInfo(
        arch=_GO_ARCH.get(platform.machine(), platform.machine()),
        os="linux",
        kernel=uname.release,
        hostname=uname.nodename,
        cpus=os.cpu_count() or 0,
        mem_total=mem.get("MemTotal", 0),
        mem_free=mem.get("MemFree", 0),
        swap_total=mem.get("SwapTotal", 0),
        swap_free=mem.get("SwapFree", 0),
        uptime=_uptime(),
        distribution=release.get("ID", ""),
        distribution_version=release.get("VERSION_ID", ""),
        codename=release.get("VERSION_CODENAME", ""),
        cgroup_manager=cgroups.name,
        cgroup_version="v2" if v2 else "v1",
        cgroup_controllers=tuple(cgroups.host.controllers),
        oci_runtime="hutch",
        oci_runtime_path=shutil.which("hutch") or "",
        network_backend=backend,
        slirp4netns=slirp,
        pasta=pasta,
        rootless=not procfs.real_root() or "HUTCH_ROOTLESS_UID" in os.environ,
        uid_map=uid_map,
        gid_map=gid_map,
        log_driver="k8s-file",
        conmon=_monitor(),
        # hutch is its own runtime (runtime/), so its package and version are hutch's
        oci_runtime_package=f"hutch-{__version__}",
        oci_runtime_version=f"hutch version {__version__}",
        slirp4netns_version=_version_of(slirp),
        pasta_version=_version_of(pasta),
        cpu_utilization=_cpu_usage(),
        default_capabilities=_default_capabilities(ctx),
    )


def _default_capabilities(ctx: EngineContext) -> str:
    """podman's ``.Host.Security.DefaultCapabilities``: containers.conf's list, else
    its built-in one, as CAP_ names joined by commas."""
    from hutch.linux.caps import DEFAULT_CAPABILITIES, normalize

    defaults = ctx.settings.defaults
    given = defaults.capabilities if defaults is not None else None
    return ",".join(normalize(n) for n in (DEFAULT_CAPABILITIES if given is None else given))


def store_info(ctx: EngineContext) -> StoreInfo:
    # The run state is each monitor's state.json (the database has none).
    try:
        states = [cs.load(ctx, r).state.status for r in ctx.containers.all()]
        images = len(ctx.images.all())
    except HostNotReady:
        # A store the host cannot keep (on a network filesystem): the host
        # facts above say why and what to set; the counts stay at zero.
        states, images = [], 0
    return StoreInfo(
        config_file=str(ctx.paths.settings_file),
        # Probing the driver needs the session namespace; info already says
        # why that failed (its storage driver fact), so it reports the rest.
        graph_driver=ctx.driver.name if ctx.driver_known() else "",
        graph_root=str(ctx.paths.storage),
        run_root=str(ctx.paths.runtime),
        volume_path=str(ctx.paths.storage / "volumes"),
        images=images,
        containers=len(states),
        running=sum(s == "running" for s in states),
        paused=sum(s == "paused" for s in states),
        stopped=sum(s not in ("running", "paused") for s in states),
        **_filesystem_of(ctx.paths.storage),
    )


def _filesystem_of(path: Path) -> dict[str, int]:
    """podman's graphRootAllocated and graphRootUsed, from the filesystem's statfs
    (zero when the store is not there yet)."""
    try:
        fs = os.statvfs(path)
    except OSError:
        return {}
    return {
        "graph_root_allocated": fs.f_blocks * fs.f_frsize,
        "graph_root_used": (fs.f_blocks - fs.f_bfree) * fs.f_frsize,
    }

"""``top``: the processes of a container, ps-style, with podman's AIX descriptors.

A process belongs to the container when its /proc/PID/ns/pid is the init's.
Reading happens inside the session user namespace, so uids and gids are the
container's own (names come from the container's /etc/passwd and
/etc/group); ``huser``/``hpid`` translate back to the host. Durations print
as Go does (``11.394797387s``), as podman's output does.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hutch.api.container_usage import TopReport
from hutch.api.errors import InvalidArgument, UnknownDescriptor
from hutch.runtime import freeze
from hutch.runtime.paths_in_root import resolve_in_root

DEFAULT_DESCRIPTORS = ("user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args")
HEADERS = {
    "user": "USER",
    "pid": "PID",
    "ppid": "PPID",
    "pcpu": "%CPU",
    "etime": "ELAPSED",
    "tty": "TTY",
    "time": "TIME",
    "args": "COMMAND",
    "comm": "COMMAND",
    "uid": "UID",
    "group": "GROUP",
    "groups": "GROUPS",
    "nice": "NI",
    "rss": "RSS",
    "vsz": "VSZ",
    "stime": "STIME",
    "state": "STATE",
    "hpid": "HPID",
    "huser": "HUSER",
    "huid": "HUID",
    "hgroup": "HGROUP",
    "hgroups": "HGROUPS",
    "ruser": "RUSER",
    "rgroup": "RGROUP",
    "pgid": "PGID",
    # podman's (psgo's) descriptors of a process's security: capability sets by name,
    # the seccomp mode, the LSM label
    "capamb": "AMBIENT CAPS",
    "capbnd": "BOUNDING CAPS",
    "capeff": "EFFECTIVE CAPS",
    "capinh": "INHERITED CAPS",
    "capprm": "PERMITTED CAPS",
    "seccomp": "SECCOMP",
    "label": "LABEL",
}
# /proc/PID/status's key of each capability descriptor's set
_CAP_SETS = {"capamb": "CapAmb", "capbnd": "CapBnd", "capeff": "CapEff", "capinh": "CapInh",
             "capprm": "CapPrm"}  # fmt: skip
_SECCOMP_MODES = {"0": "disabled", "1": "strict", "2": "filter"}
ALIASES = {
    "command": "args",
    "cmd": "args",
    "elapsed": "etime",
    "%cpu": "pcpu",
    "ni": "nice",
    "s": "state",
    "stat": "state",
}
# psgo's AIX codes, matched exactly (case tells %C from %c, %G from %g, %U from %u)
CODES = {
    "%C": "pcpu", "%G": "group", "%P": "ppid", "%U": "user", "%a": "args", "%c": "comm",
    "%g": "rgroup", "%n": "nice", "%p": "pid", "%r": "pgid", "%t": "etime", "%u": "ruser",
    "%x": "time", "%y": "tty", "%z": "vsz",
}  # fmt: skip


@dataclass(frozen=True)
class ProcInfo:
    hpid: int
    pid: int  # in the container's pid namespace
    hppid: int  # the parent, host pid
    state: str
    pgid: int
    tty_nr: int
    utime: int  # clock ticks
    stime: int
    nice: int
    start_ticks: int  # since boot
    vsize: int  # bytes
    rss_pages: int
    uid: int
    gid: int
    comm: str
    args: tuple[str, ...]
    # /proc/PID/status's CapAmb, CapBnd, ... as hex, and Seccomp's mode number
    caps: tuple[tuple[str, str], ...] = ()
    seccomp: str = ""
    ruid: int = 0  # the real ids (uid and gid above are the effective ones)
    rgid: int = 0
    groups: tuple[int, ...] = ()  # the supplementary groups


@dataclass(frozen=True)
class FormatContext:
    now: float
    boot_time: float
    clk_tck: int = 100
    page_size: int = 4096
    users: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    pid_of_host: dict[int, int] = field(default_factory=dict)  # host pid -> container pid
    host_uid: Callable[[int], int | None] = lambda uid: None
    host_gid: Callable[[int], int | None] = lambda gid: None


def parse_descriptors(args: Sequence[str]) -> tuple[str, ...]:
    """``user pid`` or ``user,pid``; UnknownDescriptor on anything else (a ps(1) option
    included), for which the CLI runs ps(1) in the container as podman does."""
    out = []
    for word in args:
        for item in word.split(","):
            name = CODES.get(item.strip()) or item.strip().lower()
            if not name:
                continue
            name = ALIASES.get(name, name)
            if name not in HEADERS:
                raise UnknownDescriptor(
                    f"unknown descriptor {item!r}: use one of {', '.join(sorted(HEADERS))}"
                )
            out.append(name)
    return tuple(out) or DEFAULT_DESCRIPTORS


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String(): 1h2m3.5s, 1.5s, 250ms, 0s."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size or unit == "ns":
                return sign + _trim(ns / size) + unit
    hours, rest = divmod(ns, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    secs = _trim(rest / 1e9, digits=9)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if hours or minutes else "")
    return f"{sign}{text}{secs}s"


def _trim(value: float, digits: int = 6) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def tty_name(tty_nr: int) -> str:
    if tty_nr == 0:
        return "?"
    major = (tty_nr >> 8) & 0xFFF
    minor = (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    if 136 <= major <= 143:
        return f"pts/{minor + (major - 136) * 256}"
    if major == 4:
        return f"tty{minor}" if minor < 64 else f"ttyS{minor - 64}"
    if major == 5 and minor == 0:
        return "tty"
    return "?"


def format_value(name: str, proc: ProcInfo, ctx: FormatContext) -> str:
    started = ctx.boot_time + proc.start_ticks / ctx.clk_tck
    elapsed = max(0.0, ctx.now - started)
    cpu = (proc.utime + proc.stime) / ctx.clk_tck
    if name == "user":
        return ctx.users.get(proc.uid, str(proc.uid))
    if name == "group":
        return ctx.groups.get(proc.gid, str(proc.gid))
    if name == "ruser":
        return ctx.users.get(proc.ruid, str(proc.ruid))
    if name == "rgroup":
        return ctx.groups.get(proc.rgid, str(proc.rgid))
    if name == "groups":
        return ",".join(ctx.groups.get(g, str(g)) for g in proc.groups)
    if name == "uid":
        return str(proc.uid)
    if name == "pid":
        return str(proc.pid)
    if name == "ppid":
        return str(ctx.pid_of_host.get(proc.hppid, 0))
    if name == "pgid":
        return str(ctx.pid_of_host.get(proc.pgid, proc.pgid))
    if name == "hpid":
        return str(proc.hpid)
    if name in ("huser", "hgroup"):
        # podman (psgo) looks the host id up in the container's /etc/passwd and
        # /etc/group, as it reads them inside the container's mount namespace: the
        # host user's number, unless the container names that number
        host = ctx.host_uid(proc.uid) if name == "huser" else ctx.host_gid(proc.gid)
        names = ctx.users if name == "huser" else ctx.groups
        return "?" if host is None else names.get(host, str(host))
    if name == "huid":
        host = ctx.host_uid(proc.uid)
        return "?" if host is None else str(host)
    if name == "hgroups":
        hosts = (ctx.host_gid(g) for g in proc.groups)
        return ",".join("?" if h is None else ctx.groups.get(h, str(h)) for h in hosts)
    if name in _CAP_SETS:
        return cap_names(int(dict(proc.caps).get(_CAP_SETS[name], "0"), 16))
    if name == "seccomp":
        return _SECCOMP_MODES.get(proc.seccomp, "?")
    if name == "label":
        return _label(proc.hpid)
    if name == "pcpu":
        return f"{(cpu / elapsed * 100) if elapsed > 0 else 0.0:.3f}"
    if name == "etime":
        return go_duration(elapsed)
    if name == "time":
        return go_duration(float(int(cpu)))
    if name == "tty":
        return tty_name(proc.tty_nr)
    if name == "args":
        return " ".join(proc.args) if proc.args else f"[{proc.comm}]"
    if name == "comm":
        return proc.comm
    if name == "nice":
        return str(proc.nice)
    if name == "rss":
        return str(proc.rss_pages * ctx.page_size // 1024)
    if name == "vsz":
        return str(proc.vsize // 1024)
    if name == "state":
        return proc.state
    if name == "stime":
        return time.strftime("%Y-%m-%d %H:%M:%S %z %Z", time.localtime(started))
    raise InvalidArgument(f"unknown descriptor {name!r}")


def cap_names(mask: int) -> str:
    """A capability set as podman's top prints it: the names without CAP_, sorted,
    joined by commas; "none" for no capability, "full" for all the kernel knows."""
    from hutch.linux.caps import CAPABILITIES

    if mask == 0:
        return "none"
    if all(mask >> bit & 1 for bit in CAPABILITIES.values()):
        return "full"
    names = (name.removeprefix("CAP_") for name, bit in CAPABILITIES.items() if mask >> bit & 1)
    return ",".join(sorted(names))


def _label(hpid: int) -> str:
    """The process's LSM label ("?" without one, as where no LSM answers)."""
    try:
        with open(f"/proc/{hpid}/attr/current", "rb") as f:
            text = f.read().rstrip(b"\0\n").decode(errors="replace")
    except OSError:
        return "?"
    return text or "?"


def render(procs: Sequence[ProcInfo], descriptors: Sequence[str], ctx: FormatContext) -> TopReport:
    rows = tuple(
        tuple(format_value(d, p, ctx) for d in descriptors) for p in sorted(procs, key=_by_pid)
    )
    return TopReport(tuple(HEADERS[d] for d in descriptors), rows)


def _by_pid(proc: ProcInfo) -> int:
    return proc.pid


# -- reading /proc -----------------------------------------------------------------


def read_process(hpid: int) -> ProcInfo | None:
    try:
        with open(f"/proc/{hpid}/stat") as f:
            stat = f.read()
        with open(f"/proc/{hpid}/status") as f:
            status = f.read().splitlines()
        with open(f"/proc/{hpid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    values: dict[str, list[str]] = {}
    for line in status:
        key, _, rest = line.partition(":")
        values[key] = rest.split()
    nspid = values.get("NSpid") or [str(hpid)]
    return ProcInfo(
        hpid=hpid,
        pid=int(nspid[-1]),
        hppid=int(fields[1]),
        state=fields[0],
        pgid=int(fields[2]),
        tty_nr=int(fields[4]),
        utime=int(fields[11]),
        stime=int(fields[12]),
        nice=int(fields[16]),
        start_ticks=int(fields[19]),
        vsize=int(fields[20]),
        rss_pages=int(fields[21]),
        uid=int((values.get("Uid") or ["0", "0"])[1]),
        gid=int((values.get("Gid") or ["0", "0"])[1]),
        comm=comm,
        # every NUL-separated field, the empty one after the last NUL too: podman (psgo)
        # joins them all, so its COMMAND ends with a blank ("sleep 1000 ")
        args=tuple(a.decode(errors="replace") for a in cmdline.split(b"\0")) if cmdline else (),
        caps=tuple((key, values[key][0]) for key in _CAP_SETS.values() if values.get(key)),
        seccomp=(values.get("Seccomp") or [""])[0],
        ruid=int((values.get("Uid") or ["0"])[0]),
        rgid=int((values.get("Gid") or ["0"])[0]),
        groups=tuple(int(g) for g in values.get("Groups", ()) if g.isdigit()),
    )


def boot_time() -> float:
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("btime "):
                return float(line.split()[1])
    return 0.0


def id_names(path: str) -> dict[int, str]:
    """uid/gid → name from a passwd or group file (missing file: empty)."""
    out: dict[int, str] = {}
    with contextlib.suppress(OSError), open(path, errors="replace") as f:
        for line in f:
            parts = line.split(":")
            if len(parts) >= 3 and parts[2].isdigit():
                out.setdefault(int(parts[2]), parts[0])
    return out


def _in_root(root: str, path: str) -> str:
    try:
        return resolve_in_root(root, path)
    except OSError:
        return os.devnull


def container_top(
    init_pid: int,
    descriptors: Sequence[str],
    host_uid: Callable[[int], int | None],
    host_gid: Callable[[int], int | None] = lambda gid: None,
) -> TopReport:
    procs = [p for p in map(read_process, freeze.processes_in_pidns(init_pid)) if p is not None]
    root = f"/proc/{init_pid}/root"
    ctx = FormatContext(
        now=time.time(),
        boot_time=boot_time(),
        clk_tck=os.sysconf("SC_CLK_TCK"),
        page_size=os.sysconf("SC_PAGE_SIZE"),
        users=id_names(_in_root(root, "/etc/passwd")),
        groups=id_names(_in_root(root, "/etc/group")),
        pid_of_host={p.hpid: p.pid for p in procs},
        host_uid=host_uid,
        host_gid=host_gid,
    )
    return render(procs, descriptors, ctx)

"""Running one RUN step: a short-lived container on the step's root file system.

The step's rootfs is the parent image's layers (lower dirs) plus a fresh
upper dir; what the command changes lands in the upper dir, which the
builder then turns into a layer. The container is started through the
ordinary monitor (``hutch.runtime.spawn``), attached, with its output
streamed to the build's output. Directories and files that exist only as
mount points (``/etc/hosts``, a cache mount's target) are removed from the
upper dir afterwards, so that they do not end up in the layer.
"""

from __future__ import annotations

import _socket  # the type of spawn's connections (runtime/spawn.py)
import contextlib
import os
import posixpath
import select
import signal
import socket
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType

from hutch.build.host import BuildHost
from hutch.build.stepstate import BuildCancelled, RunSettings
from hutch.runtime import attachproto as ap
from hutch.runtime import etcfiles, spawn
from hutch.runtime import state as st
from hutch.runtime.spec import (
    DEFAULT_MASKED_PATHS,
    DEFAULT_READONLY_PATHS,
    DEFAULT_SHM_SIZE,
    NAMESPACES,
    Mount,
    Process,
    Rootfs,
    Spec,
    User,
)
from hutch.runtime.spec_network import NetworkSpec
from hutch.runtime.spec_security import SecuritySpec
from hutch.runtime.spec_userns import SHIFT_COPY, SHIFT_FUSE
from hutch.util.fdio import write_all

_STANDARD_TARGETS = ("/proc", "/sys", "/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf")
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class RunRequest:
    step_id: str
    args: tuple[str, ...]
    env: tuple[str, ...]
    cwd: str
    user: str
    network: str  # host, none, private or ns:PATH (settings.private_spec(): private's helper)
    rootfs: Rootfs
    mounts: tuple[Mount, ...]
    workdir: Path  # private scratch dir of this step (bundle, etc files)
    hosts: tuple[tuple[str, str], ...] = ()  # build --add-host: (name, address)
    settings: RunSettings = field(default_factory=RunSettings)  # build --dns, --cap-add, ...
    cancelled: Callable[[], bool] | None = None  # True: kill the step (BuildRequest's)


def write_etc_files(
    directory: Path,
    hostname: str,
    network: str,
    extra: tuple[tuple[str, str], ...] = (),
    settings: RunSettings | None = None,
) -> tuple[tuple[str, str], ...]:
    """A step's /etc files: the host's names on the host's network, the private
    network's addresses on it (as run's), localhost on ns:PATH; the build's
    --add-host names before them (not in the layer: /etc/hosts is a mount). On the
    private network the name server is its forwarder, as in run. Without a network
    (none) RUN sees the image's own /etc/hosts (unless --add-host names some) and
    /etc/resolv.conf, as with buildah."""
    settings = settings or RunSettings()
    host_resolv = etcfiles.host_file("/etc/resolv.conf")
    if network == "host":
        hosts = etcfiles.host_hosts() + f"127.0.1.1\t{hostname}\n"
    elif network == "private":
        private = settings.private_spec()
        hosts = etcfiles.private_hosts(private.address, hostname, private.gateway)
        host_resolv = etcfiles.private_resolv(host_resolv, private.dns)
    else:
        hosts = etcfiles.LOCALHOST + f"127.0.1.1\t{hostname}\n"
    # --add-host names come first, as podman writes them (they win over the rest)
    hosts = "".join(f"{address}\t{name}\n" for name, address in extra) + hosts
    resolv = resolv_text(host_resolv, settings)
    if settings.no_hosts:
        # --no-hosts: the image's own /etc/hosts, written by nothing of hutch's
        # (--add-host is refused with it, as podman refuses the pair)
        return etcfiles.write_etc_files(
            directory,
            None if settings.no_hostname else hostname,
            None,
            None if network == "none" else resolv,
        )
    if network == "none":
        # buildah writes neither without a network: the image's own stay; --add-host
        # names still get a hosts file (Docker's builder writes one, and the API's
        # clients ask for it)
        return etcfiles.write_etc_files(
            directory, None if settings.no_hostname else hostname, hosts if extra else None, None
        )
    return etcfiles.write_etc_files(
        directory, None if settings.no_hostname else hostname, hosts, resolv
    )


def resolv_text(host: str, settings: RunSettings) -> str:
    """The host's resolv.conf with the lines build's --dns, --dns-search and
    --dns-option give replacing the host's lines of that kind."""
    given = {
        "nameserver": [f"nameserver {s}" for s in settings.dns],
        "search": [f"search {' '.join(settings.dns_search)}"] if settings.dns_search else [],
        "options": [f"options {' '.join(settings.dns_options)}"] if settings.dns_options else [],
    }
    kept = [
        line
        for line in host.splitlines()
        if not (line.split() and line.split()[0] in given and given[line.split()[0]])
    ]
    added = [line for lines in given.values() for line in lines]
    return "".join(f"{line}\n" for line in kept + added)


def build_spec(request: RunRequest, capabilities: tuple[str, ...]) -> Spec:
    settings = request.settings
    made = settings.namespaces
    # --uts host: the host's name, which the runtime leaves as it is (as podman's RUN)
    hostname = socket.gethostname() if "uts" in made.host else request.step_id[:12]
    joins_net = request.network == "host" or request.network.startswith("ns:")
    not_made = {*made.host, *(ns for ns, _ in made.joins)}
    if joins_net:
        not_made.add("net")
    namespaces = tuple(ns for ns in NAMESPACES if ns not in not_made)
    return Spec(
        id=request.step_id,
        hostname=hostname,
        process=Process(
            args=request.args,
            env=request.env,
            cwd=request.cwd or "/",
            user=User(request.user),
            stdin=settings.stdin,
            no_new_privileges=request.settings.no_new_privileges,
            capabilities=(
                capabilities
                if request.settings.capabilities is None
                else request.settings.capabilities
            ),
        ),
        rootfs=request.rootfs,
        mounts=request.mounts,
        namespaces=namespaces,
        joins=made.joins,
        masked_paths=_masked(request.settings),
        readonly_paths=DEFAULT_READONLY_PATHS,
        etc_files=write_etc_files(
            request.workdir / "etc", hostname, request.network, request.hosts, request.settings
        ),
        security=SecuritySpec(ulimits=settings.ulimits, devices=settings.devices),
        shm_size=DEFAULT_SHM_SIZE if settings.shm_size is None else settings.shm_size,
        resources=settings.resource_spec(),
        network=step_network_spec(request.network, settings.private_spec()),
        userns=settings.userns_spec(),
    )


def step_network_spec(network: str, private: NetworkSpec) -> NetworkSpec:
    """What the monitor attaches: the private network through pasta or slirp4netns,
    the namespace of ns:PATH joined, else nothing (none: lo alone; host: no namespace)."""
    if network == "private":
        return private
    if network.startswith("ns:"):
        return NetworkSpec(mode="join", join=network[3:])
    return NetworkSpec(mode="none")


def _masked(settings: RunSettings) -> tuple[str, ...]:
    """podman's masked paths, less --security-opt unmask=, plus mask=."""
    if "ALL" in settings.unmask:
        kept: tuple[str, ...] = ()
    else:
        kept = tuple(p for p in DEFAULT_MASKED_PATHS if p not in settings.unmask)
    return kept + tuple(p for p in settings.mask if p not in kept)


def run_step(host: BuildHost, request: RunRequest, *, out_fd: int, err_fd: int) -> int:
    """Run the command to its end; its exit code (125/126/127 raise as errors)."""
    userns = request.settings.userns_spec()
    if userns.shift == SHIFT_FUSE:
        from hutch.runtime.fuse_upper import to_overlay_form

        try:
            return _run(host, request, out_fd, err_fd)
        finally:
            to_overlay_form(Path(request.rootfs.upper))  # the layer is the kernel's lower
    if userns.shift != SHIFT_COPY:
        return _run(host, request, out_fd, err_fd)
    # No fuse-overlayfs to show the image with the step's maps: chowned copies of the
    # lower layers, and what the step wrote (owned by the session IDs its IDs map
    # to) back to the IDs it saw, which the layer must have; what it copied up with an
    # image ID outside the map (marked in the copies) back to that image ID
    from hutch.runtime.userns_copy import copy_lowers, session_shift, unshift_tree

    rootfs = copy_lowers(
        request.rootfs, request.workdir / "idmapped", userns.uid_map, userns.gid_map, mark=True
    )
    try:
        return _run(host, replace(request, rootfs=rootfs), out_fd, err_fd)
    finally:
        unshift_tree(Path(rootfs.upper), session_shift(userns.uid_map, userns.gid_map))


def _run(host: BuildHost, request: RunRequest, out_fd: int, err_fd: int) -> int:
    spec = build_spec(request, host.capabilities)
    bundle = request.workdir / "bundle"
    spawn.write_bundle(spec, bundle)
    sock = host.attach_socket(request.step_id)
    sock.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = spawn.MonitorConfig(
        bundle=bundle,
        attach_socket=str(sock),
        gid5_mapped=host.gid5_mapped,
        tied=True,
        # --pid host or PATH: the monitor stays in ours, and forks the init there
        own_pidns="pid" in spec.namespaces,
    )
    stop = _Stop(request.cancelled)
    try:
        started = spawn.start(config, attach=True)
        stop.pid = started.init_pid
        try:
            with _forwarding(started.init_pid):
                assert started.output is not None
                in_fd = 0 if request.settings.stdin else None
                code = _pump(started.output, out_fd, err_fd, stop, in_fd)
        finally:
            spawn.finish(started)
    finally:
        sock.unlink(missing_ok=True)
    if stop.done:
        raise BuildCancelled("build cancelled: its client went away (the running step was killed)")
    if code is None:
        code = st.read_state(st.state_path(bundle)).exit_code
    return code


@contextlib.contextmanager
def _forwarding(pid: int) -> Iterator[None]:
    """^C during a RUN stops the command, and then the build.

    Only the main thread can catch signals: a build run by a thread of the API
    service has no caller's ^C to forward (the service's signals are its own).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(sig: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Stop:
    """A step whose caller went away (an API service's client, which has no ^C to
    forward: the service's signals are its own) is killed, as Docker kills a build's
    running step when its client disconnects. SIGKILL, not ^C's SIGINT: a command
    may ignore SIGINT, and nobody waits for a graceful end. The init's death ends
    the monitor (PID 1 of the step's pid namespace) and with it anything the
    command left behind; ``finish`` then waits for the monitor as after any exit."""

    TICK = 0.25  # how often a silent step asks ``cancelled``

    def __init__(self, cancelled: Callable[[], bool] | None) -> None:
        self.pid = 0  # the step's init, once started
        self._cancelled = cancelled
        self.done = False

    @property
    def timeout(self) -> float | None:
        return None if self._cancelled is None or self.done else self.TICK

    def check(self) -> None:
        if self._cancelled is None or self.done or not self.pid or not self._cancelled():
            return
        self.done = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def _pump(
    conn: _socket.socket, out_fd: int, err_fd: int, stop: _Stop, in_fd: int | None = None
) -> int | None:
    """The step's output to ``out_fd``/``err_fd`` until its exit; ``in_fd`` (build
    --stdin) is sent to it meanwhile, its end as the end of the step's input."""
    reader = ap.FrameReader()
    while True:
        try:
            watched: list[_socket.socket | int] = [conn] if in_fd is None else [conn, in_fd]
            ready, _, _ = select.select(watched, [], [], stop.timeout)
            stop.check()
            if in_fd is not None and in_fd in ready:
                in_fd = _send_input(conn, in_fd)
            if conn not in ready:
                continue
            data = conn.recv(65536)
        except InterruptedError:
            continue
        if not data:
            return None
        for kind, payload in reader.feed(data):
            if kind == ap.STDOUT:
                write_all(out_fd, payload)
            elif kind == ap.STDERR:
                write_all(err_fd, payload)
            elif kind == ap.EXIT:
                return int(payload)


def _send_input(conn: _socket.socket, in_fd: int) -> int | None:
    """One read of ``in_fd`` to the step; None once it ends (STDIN_EOF sent). A closed
    input is an empty one; a step that ended before reading it all takes no more (its
    exit still comes through ``conn``)."""
    try:
        data = os.read(in_fd, 65536)
    except OSError:
        data = b""
    with contextlib.suppress(OSError):
        conn.sendall(ap.frame(ap.STDIN, data) if data else ap.frame(ap.STDIN_EOF))
        return in_fd if data else None
    return None


def mount_targets(request_mounts: Sequence[Mount], network: str) -> tuple[str, ...]:
    del network
    return _STANDARD_TARGETS + tuple(m.destination for m in request_mounts)


def prune_mount_points(upper: Path, lowers: Sequence[Path], targets: Sequence[str]) -> None:
    """Remove what the mount points left in ``upper``: empty nodes the lowers do not
    have, then the directories copied up only to hold them."""
    for target in targets:
        parts = [p for p in posixpath.normpath(target).split("/") if p]
        if not parts:
            continue
        host = upper.joinpath(*parts)
        try:
            info = host.lstat()
        except OSError:
            continue
        rel = "/".join(parts)
        if not _in_lowers(lowers, rel) and _empty_node(host, info):
            if stat.S_ISDIR(info.st_mode):
                host.rmdir()
            else:
                host.unlink()
        # Walk up: a parent that is an empty copy of a lower directory goes too.
        for depth in range(len(parts) - 1, 0, -1):
            parent = upper.joinpath(*parts[:depth])
            if not _redundant_copy(parent, lowers, "/".join(parts[:depth])):
                break
            parent.rmdir()


def _empty_node(path: Path, info: os.stat_result) -> bool:
    if stat.S_ISDIR(info.st_mode):
        return not any(os.scandir(path))
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _in_lowers(lowers: Sequence[Path], rel: str) -> bool:
    return any(os.path.lexists(lower / rel) for lower in lowers)


def _redundant_copy(path: Path, lowers: Sequence[Path], rel: str) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or any(os.scandir(path)):
        return False
    with contextlib.suppress(OSError):
        if os.getxattr(path, "user.overlay.opaque", follow_symlinks=False):
            return False
    for lower in lowers:
        try:
            other = (lower / rel).lstat()
        except OSError:
            continue
        return (
            stat.S_ISDIR(other.st_mode)
            and stat.S_IMODE(other.st_mode) == stat.S_IMODE(info.st_mode)
            and (other.st_uid, other.st_gid) == (info.st_uid, info.st_gid)
        )
    return True  # no lower has it: it was made only to hold a mount point

"""Attaching the private network: run by the monitor, once per start of the container.

The monitor (not the CLI) starts pasta or slirp4netns, because it outlives
a detached caller and restarts the container on its own: each run of the
container has a fresh network namespace, so each run gets a fresh helper,
started between the init's ``unshare`` and its "go", and killed when the
container exits; a ``run``'s first one is started earlier, on a namespace made
before the container exists (``EarlyNetwork``). The helper is a child of the
monitor in the monitor's pid namespace, so it also dies with the monitor
whatever happens.

The helper is given the namespace as ``/proc/self/fd/N`` (a descriptor the
monitor opened): pasta drops its capabilities before it opens the target,
and may then not open ``/proc/PID/ns/net`` of a process with more
capabilities than it has (the ptrace access check).

Standard library only: the monitor imports this module lazily.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import select
import signal
import socket
import time
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.config.paths import PASTA_FIFO_PREFIX
from hutch.linux import procfs
from hutch.runtime.spec_network import NetworkSpec
from hutch.runtime.spec_network import helper_flag_given as _given
from hutch.runtime.spec_network import holds_host_ports as holds_host_ports
from hutch.util.tools import which

TYPE_CHECKING = False  # no typing import on run's path (cli/fast.py)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

    from hutch.runtime.spec import Spec

_READY_TIMEOUT = 10.0
# progress lines of pasta and slirp4netns that say nothing about a failure
_NOISE = (
    "*",
    "Failed to send",
    "Starting slirp",
    "WARNING",
    "sent tapfd",
    "received tapfd",
    "do_slirp",
    "parent failed",
)


class NetworkAttachError(Exception):
    """The helper could not be started; the message is for the user."""


def attach(
    net: NetworkSpec,
    init_pid: int,
    bundle: Path,
    api_socket: str,
    own_pid: int = 0,
    prepared: PreparedAttach | None = None,
) -> list[int]:
    """Connect the init's network namespace; return the helper pids to kill later.

    ``init_pid`` is the init's pid in the host's pid namespace (for ``/proc``),
    ``own_pid`` in ours, where the helper runs (for its ``pidfd_open``).
    ``api_socket`` is a short path for slirp4netns's control socket (unix
    socket paths are limited to 108 bytes; the bundle's path is too long).
    ``prepared``: the helper ``prepare_attach`` forked for it (a user network's).
    """
    if net.mode == "bridge":
        request = _bridge_request(net, init_pid, own_pid or init_pid)
        _run_attach("attach", request, prepared)
        return []
    if prepared is not None:
        prepared.discard()
    if net.mode != "private":
        return []
    fd = os.open(f"/proc/{init_pid}/ns/net", os.O_RDONLY)
    try:
        if net.backend == "pasta":
            return [_start_pasta(net, fd, bundle)]
        if net.backend == "slirp4netns":
            slirp = _start_slirp(net, fd, bundle, Path(api_socket))
            try:
                _proxy_ports(net, init_pid, own_pid or init_pid)
            except NetworkAttachError:
                detach([slirp])
                raise
            return [slirp]
        raise NetworkAttachError(f"unknown network backend {net.backend!r}")
    finally:
        os.close(fd)


def _bridge_request(net: NetworkSpec, init_pid: int, own_pid: int) -> dict[str, object]:
    return {
        "rundir": net.runtime_dir,
        "netns": f"/proc/{init_pid}/ns/net",
        "pid": own_pid,
        "container_id": net.container_id,
        "attachments": [dataclasses.asdict(a) for a in net.attachments],
        "ports": [dataclasses.asdict(p) for p in net.ports],
    }


# A bound on a helper that hangs, not a wait: its Python start, its imports and
# its nft calls take a second here, but over a minute in the cgroup v2 guest
# under load (TCG), where 60 s failed a Quadlet service's start ("timed out
# after 60 seconds"); the services allow 600 s (TimeoutStartSec=).
ATTACH_TIMEOUT = 300.0


def _run_attach(
    action: str, request: dict[str, object], prepared: PreparedAttach | None = None
) -> None:
    """Run the helper program ``hutch.net.attach``: it enters other namespaces, so
    not in the monitor itself, but in a child forked from it (``prepared``: forked
    ahead, by ``prepare_attach``, and ready).

    The child imports the module by name and calls its ``main`` (the monitor
    does not import the network code), with what the monitor has loaded
    already: a new interpreter took 25 to 50 ms to start and import here, on
    the path of every run on a user network; the fork and the network modules'
    imports take about a third of that. Not ``runpy`` (``python -m``'s way):
    it loads ``importlib.util`` and ``contextlib``'s kin for nothing, 1.8 ms
    of each attach and detach (marks, 10 runs).
    """
    helper = prepared or PreparedAttach.fork()
    helper.run(action, request)


class PreparedAttach:
    """A forked attach helper: it imports the network code at once, then reads its
    action and request from a pipe, one line (an empty one: nothing to do; not EOF,
    which never comes while a child forked later, the init, holds the pipe too) and
    says what failed on another. Forked ahead of a run on a user network
    (``prepare_attach``), its fork and imports (about 5 ms) overlap the monitor's
    mount of the rootfs and the init's start instead of holding up the network."""

    def __init__(self, pid: int, request: int, said: int) -> None:
        self.pid = pid
        self._request = request  # ours to write, then close
        self._said = said  # its stderr, until it exits

    @classmethod
    def fork(cls) -> PreparedAttach:
        said_r, said_w = os.pipe2(os.O_CLOEXEC)
        request_r, request_w = os.pipe2(os.O_CLOEXEC)
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (said_r, said_w, request_r, request_w):
                os.close(fd)
            raise NetworkAttachError(f"cannot attach the container to its networks: {exc}") from exc
        if pid == 0:  # pragma: no cover - the child ends in os._exit
            os.close(said_r)
            os.close(request_w)
            _helper_child(said_w, request_r)
        os.close(said_w)
        os.close(request_r)
        return cls(pid, request_w, said_r)

    def run(self, action: str, request: dict[str, object]) -> None:
        """Hand it ``action`` and wait until it has done it; NetworkAttachError if
        it failed (its last line) or hung."""
        # one line: JSON has no raw line break
        line = f"{action} {json.dumps(request)}\n".encode()
        with contextlib.suppress(OSError):  # it ended early: what it said tells why
            _write_all(self._request, line)
        os.close(self._request)
        said, finished = _read_until_eof(self._said, ATTACH_TIMEOUT)
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        _pid, status = os.waitpid(self.pid, 0)
        if not finished:
            raise NetworkAttachError(
                f"cannot attach the container to its networks: timed out after {ATTACH_TIMEOUT:g} s"
            )
        if os.waitstatus_to_exitcode(status) != 0:
            lines = said.decode(errors="replace").strip().splitlines()
            raise NetworkAttachError(
                "cannot attach the container to its networks: " + (lines[-1] if lines else "failed")
            )

    def discard(self) -> None:
        """Not needed after all (the run failed first): told so, it exits."""
        with contextlib.suppress(OSError):
            _write_all(self._request, b"\n")
        os.close(self._request)
        os.close(self._said)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def prepare_attach(spec: Spec) -> PreparedAttach | None:
    """The attach helper of a run on user networks, forked now (see PreparedAttach);
    None for another network or where the fork fails (the attach forks again)."""
    if spec.network.mode != "bridge":
        return None
    try:
        return PreparedAttach.fork()
    except NetworkAttachError:
        return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_until_eof(fd: int, timeout: float) -> tuple[bytes, bool]:
    """All a pipe gives until its writers are gone; False: ``timeout`` passed first."""
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return data, True
            data += chunk
        return data, False
    finally:
        os.close(fd)


def _helper_child(err: int, request: int) -> NoReturn:
    """In the forked child: the monitor's signal handlers and wake-up pipe are not
    the helper's, and the monitor's own buffered output must not come out here."""
    import sys

    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for sig in signal.valid_signals():
            with contextlib.suppress(OSError, ValueError):
                if callable(signal.getsignal(sig)):
                    signal.signal(sig, signal.SIG_DFL)
        os.dup2(err, 2)
        os.close(err)
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115 - till _exit
        import importlib

        # by name: runtime code does not import the network layer's (docs/architecture.md);
        # before the request, which a prepared helper waits for with its imports done
        helper = importlib.import_module("hutch.net.attach")
        data = b""
        while not data.endswith(b"\n") and (chunk := os.read(request, 65536)):
            data += chunk
        os.close(request)
        if not data.strip():
            os._exit(0)  # discarded: the run never got to its network
        action, payload = data.decode().rstrip("\n").split(" ", 1)
        try:
            code = helper.main([action, payload])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.write(2, f"attach failed: {type(exc).__name__}: {exc}\n".encode())
    finally:
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        os._exit(code)


def forwards_file(net: NetworkSpec) -> Path:
    """``hutch.net.rootless.forwards_file`` (the network layer's, which the runtime
    does not import; a unit test keeps the two the same)."""
    return Path(net.runtime_dir) / "ports" / f"{net.container_id}.json"


def release(net: NetworkSpec) -> None:
    """After a run on user networks: drop its published ports from the rootless namespace."""
    # The ports are the rootless namespace's port proxy's, which drops them itself
    # when the init exits (hutch.net.portproxy); only a holder older than the proxy
    # left slirp4netns forwards, on record where hutch.net.rootless.forwards_file
    # says, for a helper to remove.
    if net.mode == "bridge" and net.ports and forwards_file(net).exists():
        request: dict[str, object] = {"rundir": net.runtime_dir, "container_id": net.container_id}
        with contextlib.suppress(NetworkAttachError):
            _run_attach("detach", request)


def detach(pids: list[int]) -> None:
    stop(pids)
    reap(pids)


def stop(pids: list[int]) -> None:
    """Tell the helpers to go; ``reap`` waits until they have."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def reap(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def pasta_argv(net: NetworkSpec, netns_fd: int, pid_file: Path) -> list[str]:
    """hutch's pasta command line; a setting the user's ``pasta:`` options give
    replaces hutch's default for it (their options come last, as podman puts them)."""
    user = net.helper_args
    argv = [which("pasta") or "pasta", "--config-net", "--foreground"]
    if not _given(user, "-q", "--quiet", "-d", "--debug", "--trace"):
        argv.append("--quiet")
    argv += ["--pid", str(pid_file)]
    defaults = (
        (("-a", "--address"), ["--address", net.address]),
        (("-n", "--netmask"), ["--netmask", "24"]),
        (("-g", "--gateway"), ["--gateway", net.gateway]),
        (("--dns-forward",), ["--dns-forward", net.dns]),
        (("-4", "--ipv4-only", "-6", "--ipv6-only"), ["--ipv4-only"]),
    )
    for flags, default in defaults:
        if not _given(user, *flags):
            argv += default
    argv += ["--netns", f"/proc/self/fd/{netns_fd}", "--netns-only"]
    if not _given(user, "--no-netns-quit"):
        # pasta watches the directory of a --netns path with inotify to exit when
        # the file goes; /proc/self/fd never tells, and closing the inotify at
        # pasta's exit waits for an RCU grace period (15 to 25 ms here).
        argv.append("--no-netns-quit")
    if procfs.real_root():
        # pasta started by the real root would switch to "nobody", who cannot
        # enter the container's namespace: stay root (rootful hutch).
        argv += ["--runas", "0:0"]
    tcp = [p for p in net.ports if p.protocol == "tcp"]
    udp = [p for p in net.ports if p.protocol == "udp"]
    for flag, ports in (("-t", tcp), ("-u", udp)):
        for p in ports:
            where = f"{p.host_ip}/" if p.host_ip else ""
            argv += [flag, f"{where}{p.host_port}:{p.container_port}"]
    # without any -t/-u pasta forwards nothing (the default of pasta is "auto")
    for flags, published in ((("-t", "--tcp-ports"), tcp), (("-u", "--udp-ports"), udp)):
        if not published and not _given(user, *flags):
            argv += [flags[0], "none"]
    for flags in (("-T", "--tcp-ns"), ("-U", "--udp-ns")):
        if not _given(user, *flags):
            argv += [flags[0], "none"]
    return argv + list(user)


def _spawn(argv: list[str], keep_fds: list[int], log: Path | int, shut: Sequence[int] = ()) -> int:
    """``argv`` with ``keep_fds`` and its output to ``log`` (a path, or an open file);
    ``shut``: inheritable descriptors of ours that it must not get."""
    for fd in keep_fds:
        os.set_inheritable(fd, True)
    if isinstance(log, int):
        err = os.dup(log)  # closed below, as an opened path is
    else:
        err = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, err, 1),
            (os.POSIX_SPAWN_DUP2, err, 2),
            *((os.POSIX_SPAWN_CLOSE, fd) for fd in shut),
        ]
        try:
            # Python ignores SIGPIPE, and an ignored signal survives exec: pasta
            # refuses to start when it finds SIGPIPE already ignored.
            return os.posix_spawn(
                argv[0],
                argv,
                dict(os.environ),
                file_actions=actions,
                setsigdef=(signal.SIGPIPE, signal.SIGTERM, signal.SIGINT, signal.SIGHUP),
                setsigmask=(),
            )
        except OSError as exc:
            raise NetworkAttachError(f"cannot run {argv[0]}: {exc.strerror}") from exc
    finally:
        os.close(err)
        for fd in keep_fds:
            os.set_inheritable(fd, False)


def _failure(name: str, pid: int, log: Path | int) -> NetworkAttachError:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    try:
        if isinstance(log, int):
            written = os.pread(log, 65536, 0).decode(errors="replace")
        else:
            written = log.read_text(errors="replace")
        text = "; ".join(
            line.strip()
            for line in written.splitlines()
            if line.strip() and not line.strip().startswith(_NOISE)
        )
    except OSError:
        text = ""
    return NetworkAttachError(f"{name} failed to attach the network: {text or 'no message'}")


def _start_pasta(net: NetworkSpec, netns_fd: int, bundle: Path) -> int:
    # pasta opens and writes its pid file once the namespace is configured (its
    # last step before it drops into its sandbox): a FIFO as that file tells us
    # the moment it does, where polling for a regular file's size cost up to 5 ms.
    fifo = bundle / "pasta.pid"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo, 0o600)
    try:
        # Non-blocking, so that pasta's open of the write end never waits for us.
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            log = bundle / "network.log"
            pid = _spawn(pasta_argv(net, netns_fd, fifo), [netns_fd], log)
            if not _wait_ready(pid, reader):
                raise _failure("pasta", pid, log)
        finally:
            os.close(reader)
    finally:
        fifo.unlink(missing_ok=True)  # opened and closed by pasta: nothing reads it again
    return pid


def _wait_ready(pid: int, reader: int) -> bool:
    """Until pasta writes (or closes) its pid FIFO: True; until it exits or hangs: False."""
    try:
        death = os.pidfd_open(pid)  # readable when the process has exited
    except OSError:  # a kernel before 5.3: look at the child every 10 ms
        death = -1
    try:
        deadline = time.monotonic() + _READY_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            watched = [reader] if death < 0 else [reader, death]
            ready, _, _ = select.select(watched, [], [], left if death >= 0 else min(left, 0.01))
            if reader in ready:
                return True  # its pid, or the end of a write end it opened
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                return False
        return False
    finally:
        if death >= 0:
            os.close(death)


@dataclass(frozen=True)
class EarlyNetwork:
    """A container's network namespace made by its prespawned monitor before the
    container exists (``start_early``), with pasta started on it for the private
    network, lo up for ``--network none``.

    ``run`` on the default network waited 20 to 25 ms for pasta's own start after
    the init had its namespaces, and ``--network none`` about a millisecond for the
    namespace and its lo; a monitor forked at ``run``'s session join (before the CLI
    creates the container, runtime/spawn.py) has that long and more with nothing to
    do. So where the CLI can tell the network from the flags alone
    (``netconfig.foreseen``), the monitor makes the namespace first (a thread's
    ``unshare``: the monitor itself could not come back to the host's) and the init
    joins it instead of making one (``container_main``'s ``netns``). What the
    container finally has decides (``fits``): another network, or the same with
    other helper options, and this one goes and the usual start follows.
    """

    net: NetworkSpec
    netns: int  # the namespace's descriptor (the init joins it)
    cgroup: str  # ours when it was made (``fits``)
    pid: int = 0  # pasta's, for the private network
    reader: int = -1  # the read end of pasta's pid FIFO (``_start_pasta``)
    fifo: str = ""
    log: int = -1  # pasta's output, an unnamed file until the bundle exists (``in_bundle``)
    linked: str = ""  # where ``in_bundle`` gave it a name

    def fits(self, spec: Spec) -> bool:
        """Whether the container's own start would have made this very network: a
        namespace of its own that its user namespace owns, in the cgroup the monitor
        is in now, and for the private network the same pasta command line."""
        net = spec.network
        own = (
            net.mode == self.net.mode
            and "net" in spec.namespaces
            and not net.join
            and not spec.userns.enabled
            and all(ns != "net" for ns, _path in spec.joins)
        )
        if not own or _cgroup() != self.cgroup:
            return False
        if net.mode == "none":
            return True
        fifo = Path(self.fifo)
        return net.backend == "pasta" and pasta_argv(net, self.netns, fifo) == pasta_argv(
            self.net, self.netns, fifo
        )

    def in_bundle(self, bundle: Path) -> EarlyNetwork:
        """pasta's output as the bundle's ``network.log``, where the usual start writes
        it: linked while the monitor is in the mount namespace the file was made in
        (a mount's copy in another is another mount, and ``link`` refuses to cross)."""
        if self.log < 0:
            return self
        path = bundle / "network.log"
        try:
            # linkat(2) following the magic link: os.link takes that road only with a
            # directory descriptor (else link(2), which would link /proc's symlink)
            fds = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                os.link(str(self.log), path, src_dir_fd=fds, follow_symlinks=True)
            finally:
                os.close(fds)
        except OSError:
            return self
        return replace(self, linked=str(path))

    def take(self) -> int:
        """pasta once it has configured the namespace: its pid (the helper's, killed when
        the run ends)."""
        try:
            if not _wait_ready(self.pid, self.reader):
                raise _failure("pasta", self.pid, self.log)
            return self.pid
        finally:
            self.close()

    def discard(self) -> None:
        """Not this container's network (or joined already): a pasta goes at once."""
        if self.pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        if self.linked:  # the usual start writes its own, if any
            with contextlib.suppress(OSError):
                os.unlink(self.linked)
        self.close()

    def fds(self) -> tuple[int, ...]:
        """Our descriptors of it (the monitor keeps them when it closes what it inherited)."""
        return tuple(fd for fd in (self.netns, self.reader, self.log) if fd >= 0)

    def close(self) -> None:
        for fd in self.fds():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.unlink()

    def unlink(self) -> None:
        """pasta's pid FIFO goes (again: a second time does nothing)."""
        if self.fifo:
            with contextlib.suppress(OSError):
                os.unlink(self.fifo)


def start_early(net: NetworkSpec, fifo_dir: Path, log_dir: Path, above: int) -> EarlyNetwork | None:
    """The network namespace of a container still to be created (lo up for
    ``--network none``, pasta on it for the private network), or None: what failed
    is left to the usual start, which meets it again and says so.

    ``fifo_dir`` takes pasta's pid FIFO; ``log_dir`` is on the file system of the
    bundle (the store), where an unnamed file gets its output until ``take``. Our
    descriptors are numbered above ``above``, the highest the forked command had
    open: an object of the command's that still holds a number it closed (the code
    cache's mapping keeps a copy of its file's) closes that number when it goes.
    """
    try:
        netns = _above(_new_netns(lo_up=net.mode == "none"), above)
    except OSError:
        return None
    if net.mode == "none":
        return EarlyNetwork(net, netns, _cgroup())
    opened = [netns]
    fifo = fifo_dir / f"{PASTA_FIFO_PREFIX}{os.urandom(8).hex()}.pid"
    try:
        log = _above(os.open(log_dir, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600), above)
        opened.append(log)
        os.mkfifo(fifo, 0o600)
        reader = _above(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), above)
        opened.append(reader)
        # our caller's socket and --preserve-fds are for the monitor and its init
        shut = [fd for fd in _inheritable() if fd > 2 and fd != netns]
        pid = _spawn(pasta_argv(net, netns, fifo), [netns], log, shut)
    except (OSError, NetworkAttachError):
        for fd in opened:
            os.close(fd)
        fifo.unlink(missing_ok=True)
        return None
    return EarlyNetwork(net, netns, _cgroup(), pid, reader, str(fifo), log)


def _above(fd: int, above: int) -> int:
    """``fd`` moved to the lowest free number above ``above`` (close-on-exec)."""
    import fcntl

    try:
        return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, above + 1)
    finally:
        os.close(fd)


def _inheritable() -> list[int]:
    found = []
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
            if os.get_inheritable(int(name)):
                found.append(int(name))
    return found


def _new_netns(lo_up: bool) -> int:
    """A new network namespace, owned by our user namespace (with its lo up): made
    by a thread (a process that leaves the host's cannot come back), which exits at
    once."""
    import _thread

    from hutch.linux import syscalls as sc

    done = _thread.allocate_lock()
    done.acquire()
    result: list[int | OSError] = []

    def make() -> None:
        fd = -1
        try:
            sc.unshare(sc.CLONE_NEWNET)
            fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            if lo_up:
                _loopback_up()  # a netlink socket is of the namespace of its maker
            result.append(fd)
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            result.append(exc)
        finally:
            done.release()

    _thread.start_new_thread(make, ())
    done.acquire()
    _thread_gone()
    made = result[0]
    if isinstance(made, OSError):
        raise made
    return made


def _loopback_up() -> None:
    """lo up, as podman's and docker's --network none has it."""
    from hutch.linux.rtnl import Rtnl

    with Rtnl() as ip:
        lo = ip.index("lo")
        if lo is not None:
            ip.set_link(lo, up=True)


def _thread_gone() -> None:
    """Until the thread has left the process: a fork, or ``unshare`` of the mount
    namespace (which unshares the file system context), wants us alone."""
    deadline = time.monotonic() + 1.0
    while len(os.listdir("/proc/self/task")) > 1 and time.monotonic() < deadline:
        time.sleep(0.0001)


def _cgroup() -> str:
    try:
        with open("/proc/self/cgroup", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _start_slirp(net: NetworkSpec, netns_fd: int, bundle: Path, api: Path) -> int:
    ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
    api.unlink(missing_ok=True)
    log = bundle / "network.log"
    mtu = [] if _given(net.helper_args, "--mtu") else ["--mtu", "65520"]
    argv = [
        which("slirp4netns") or "slirp4netns",
        "--configure",
        *mtu,
        *net.helper_args,
        "--ready-fd",
        str(ready_w),
        "--api-socket",
        str(api),
        "--netns-type",
        "path",
        f"/proc/self/fd/{netns_fd}",
        "tap0",
    ]
    try:
        pid = _spawn(argv, [netns_fd, ready_w], log)
    finally:
        os.close(ready_w)
    try:
        ready, _, _ = select.select([ready_r], [], [], _READY_TIMEOUT)
        if not ready or not os.read(ready_r, 1):
            raise _failure("slirp4netns", pid, log)
    finally:
        os.close(ready_r)
    for port in net.ports:
        if net.port_proxy and port.protocol == "tcp":
            continue  # the rootless namespace's port proxy's (_proxy_ports)
        try:
            _slirp_forward(api, port.protocol, port.host_ip, port.host_port, port.container_port)
        except NetworkAttachError:
            detach([pid])
            raise
    return pid


def _proxy_ports(net: NetworkSpec, init_pid: int, own_pid: int) -> None:
    """port_handler=rootlesskit: the TCP ports go to the rootless namespace's port
    proxy, which connects to the container from inside its namespace (to its own
    address, which the container then sees as the client's, as with podman's
    rootlessport) and drops them when the init exits."""
    tcp = [p for p in net.ports if p.protocol == "tcp"]
    if not net.port_proxy or not tcp:
        return
    request = {
        "rundir": net.runtime_dir,
        "container_id": net.container_id,
        "netns": f"/proc/{init_pid}/ns/net",
        "pid": own_pid,
        "address": net.address,
        "ports": [dataclasses.asdict(p) for p in tcp],
    }
    _run_attach("proxy", request)


def _slirp_forward(api: Path, proto: str, host_ip: str, host_port: int, guest_port: int) -> None:
    request = {
        "execute": "add_hostfwd",
        "arguments": {
            "proto": proto,
            "host_addr": host_ip or "0.0.0.0",
            "host_port": host_port,
            "guest_port": guest_port,
        },
    }
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(api))
        s.sendall(json.dumps(request).encode())
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    reply = json.loads(answer or b"{}")
    if "error" in reply:
        desc = reply["error"].get("desc", reply["error"])
        raise NetworkAttachError(f"slirp4netns cannot publish port {host_port}/{proto}: {desc}")

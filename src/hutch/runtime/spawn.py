"""Starting a container: the caller's half of the handshake with its monitor.

    caller ──fork──▶ monitor (hutch.runtime.monitor; own session,
                         new pid + mount namespaces, mounts the rootfs)
                         └──fork──▶ init (PID 1: namespaces, mounts, exec)

The monitor is the caller forked, its imports mostly done, or where that is not
safe a new interpreter (``python -S -m hutch.runtime.monitor``): ``_may_fork``.

A container that joins another's pid namespace (a pod's) has a monitor in
the caller's pid namespace instead (``MonitorConfig.own_pidns``,
``runtime/pidshare.py``).

The caller and the monitor talk over one SOCK_SEQPACKET pair: the monitor
reports the init's host pid, forwards each stage of the init (the caller
answers "go" once it has done its part: attached to the output, attached a
network), and finally "exec" or the init's error with 125/126/127. For
``--log-driver passthrough`` the caller's first message after the options
carries its stdin, stdout and stderr (SCM_RIGHTS), the init's own. A
detached caller then hangs up; an attached one stays until the monitor
says the container exited, records the exit, and lets the monitor go.
"""

from __future__ import annotations

import _socket  # not socket.py: its enums and selectors were 3 % of run's CLI (issue 16)
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hutch.api.errors import CannotInvoke, CommandNotFound, HutchError
from hutch.linux import procfs
from hutch.runtime import state as st
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.spec import Spec
from hutch.runtime.spec_io import spec_to_json
from hutch.runtime.spec_network import NetworkSpec
from hutch.util import testpoint

TYPE_CHECKING = False  # no typing import on run's path (cli/fast.py)
if TYPE_CHECKING:
    from typing import Any, NoReturn


@dataclass(frozen=True)
class MonitorConfig:
    bundle: Path
    attach_socket: str
    gid5_mapped: bool
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    cleanup: tuple[str, ...] = ()
    # the command that writes /etc/hosts and resolv.conf anew before each run of the
    # restart policy's (engine/etc_refresh.py; none: the start's copies are put back)
    refresh: tuple[str, ...] = ()
    # event log path, container name, image, its events' attributes (JSON: the labels),
    # "rm" when the container goes at its end (no "cleanup" event then, as podman's)
    events: tuple[str, ...] = ("", "", "")
    tied: bool = False  # killed when the attached caller dies (a build's RUN step)
    # The monitor is PID 1 of a pid namespace of its own; False when the spec has
    # no "pid" namespace (it joins one): then it stays in ours (bundle_own_pidns).
    own_pidns: bool = True
    # run --preserve-fds N (or systemd's LISTEN_FDS): our descriptors 3 .. 3+N-1, which
    # the monitor inherits (they are not close-on-exec), reach the command of its first
    # run; ``listen_fdnames`` not None: socket activation, the command gets LISTEN_FDS,
    # LISTEN_PID and LISTEN_FDNAMES (this value)
    preserve_fds: int = 0
    listen_fdnames: str | None = None
    # containers.conf's [engine] healthcheck_events: a health_status event after each check
    health_events: bool = True
    # --log-driver passthrough: our descriptors that become the container's stdin,
    # stdout and stderr (its first run's; sent over the sync socket, see ``start``)
    streams: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Started:
    monitor_pid: int
    init_pid: int
    sync: _socket.socket | None  # kept open by attached callers
    output: _socket.socket | None  # the attach connection, when attached


def write_bundle(spec: Spec, bundle: Path) -> None:
    bundle.mkdir(parents=True, exist_ok=True)
    tmp = bundle / ".config.json.tmp"
    tmp.write_bytes(spec_to_json(spec))
    os.replace(tmp, bundle / "config.json")


def bundle_own_pidns(bundle: Path) -> bool:
    """Whether the container's spec asks for a pid namespace of its own (the
    namespaces list of its config.json, read without building the spec)."""
    namespaces = json.loads((bundle / "config.json").read_bytes()).get("namespaces", ["pid"])
    return "pid" in namespaces  # pidshare.own_pidns, whose imports run's path skips


def monitor_args(config: MonitorConfig, detached: bool) -> list[str]:
    """The monitor's options for one container (without ``--sync-fd``)."""
    args = [
        "--bundle",
        str(config.bundle),
        "--attach",
        config.attach_socket,
        "--restart",
        str(config.restart),
        "--cleanup",
        json.dumps(list(config.cleanup)),
    ]
    if config.refresh:
        args += ["--refresh", json.dumps(list(config.refresh))]
    if config.gid5_mapped:
        args.append("--gid5")
    if detached:
        args += ["--detached", "1"]
    if config.events[0]:
        args += ["--events", json.dumps(list(config.events))]
    if config.tied:
        args += ["--tied", "1"]
    if config.preserve_fds:
        args += ["--preserve-fds", str(config.preserve_fds)]
    if config.listen_fdnames is not None:
        args += ["--listen-fdnames", json.dumps(config.listen_fdnames)]
    if not config.health_events:
        args += ["--health-events", "0"]
    if config.streams is not None:
        args += ["--streams", "1"]
    return args


def monitor_argv(config: MonitorConfig | None, sync_fd: int, detached: bool) -> list[str]:
    """The command line of a monitor; without a config, one that waits for it."""
    argv = [sys.executable, "-S", "-m", "hutch.runtime.monitor", "--sync-fd", str(sync_fd)]
    if config is None:
        return [*argv, "--deferred", "1"]
    return argv + monitor_args(config, detached)


@dataclass(frozen=True)
class Prespawned:
    """A monitor started ahead of its container, waiting for its options.

    ``run`` starts it before it creates the container, so that the
    monitor's interpreter start and imports overlap the caller's work
    (image lookup, rootfs, records) instead of following it.
    """

    monitor: MonitorPid
    caller: _socket.socket

    @property
    def pid(self) -> int:
        return self.monitor.value()


class MonitorPid:
    """The monitor's pid as the short-lived intermediate that forked it answers
    (``_spawn``), read when first asked: ``run`` creates the container meanwhile, and
    waiting there for the intermediate's fork of the monitor and its exit was about
    2 ms of run's path (issue 16)."""

    def __init__(self, intermediate: int = 0, answers: int = -1, known: int = 0) -> None:
        self._intermediate = intermediate
        self._answers = answers
        self._value = known

    def value(self) -> int:
        """The pid; HutchError when the intermediate could not start the monitor."""
        if self._answers >= 0:
            answers, self._answers = self._answers, -1
            with os.fdopen(answers, "rb") as f:
                answer = f.read().decode()
            os.waitpid(self._intermediate, 0)
            if not answer.isdigit():
                raise HutchError(f"cannot start the container monitor: {answer}")
            self._value = int(answer)
        return self._value


@dataclass(frozen=True)
class ForeseenNetwork:
    """The network a prespawned monitor makes before its options come (runtime/
    nethelper.py ``EarlyNetwork``): ``--network none``'s or pasta's, with pasta's pid
    FIFO's directory and the store's directory where its output waits for the bundle."""

    net: NetworkSpec
    fifo_dir: Path
    log_dir: Path


# The monitor's imports that a run's create makes too (its resources, security and
# mounts): forked after them, the monitor has them; forked before, both processes
# imported them, about 2.5 ms of CPU twice on two cores that pasta shares (issue 16).
SHARED_IMPORTS = (
    "hutch.cgroups.manager",
    "hutch.linux.caps",
    "hutch.runtime.mounts",
    "hutch.runtime.seccomp",
    "hutch.runtime.ulimits",
)


def prespawn(early: ForeseenNetwork | None = None, shared: bool = False) -> Prespawned:
    """A monitor waiting for its options; ``shared``: for a caller that creates the
    container meanwhile (``SHARED_IMPORTS``)."""
    if shared:
        for name in SHARED_IMPORTS:
            __import__(name)
    return _spawn_monitor(None, detached=False, early=early)


def _spawn_monitor(
    config: MonitorConfig | None, detached: bool, early: ForeseenNetwork | None = None
) -> Prespawned:
    """A monitor and our end of its sync socket (``config`` None: it waits for one)."""
    caller, theirs = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_SEQPACKET)
    os.set_inheritable(theirs.fileno(), True)
    new_pidns = config is None or config.own_pidns
    try:
        pid = _spawn(monitor_argv(config, theirs.fileno(), detached), new_pidns, early)
        if config is not None:
            pid.value()  # not prespawned: the caller waits for it anyway
    except BaseException:
        caller.close()
        raise
    finally:
        theirs.close()
    return Prespawned(pid, caller)


def abandon(prespawned: Prespawned) -> None:
    """Let a monitor that got no container go (it exits on the hang-up)."""
    prespawned.caller.close()
    with contextlib.suppress(HutchError):
        prespawned.monitor.value()  # its intermediate reaped


def start(
    config: MonitorConfig,
    *,
    attach: bool,
    on_namespaces: Callable[[int], None] | None = None,
    window: tuple[int, int] | None = None,
    on_pid: Callable[[int], None] | None = None,
    prespawned: Prespawned | None = None,
) -> Started:
    """Spawn the monitor (or hand a prespawned one its options) and wait
    until the command runs (or failed to)."""
    if prespawned is not None and not config.own_pidns:
        # Prespawned in a pid namespace of its own, which cannot reach the one
        # this container joins: a monitor of the right kind instead.
        abandon(prespawned)
        prespawned = None
    if prespawned is not None:
        try:
            prespawned.monitor.value()  # its intermediate's answer, read now
        except HutchError:
            abandon(prespawned)  # as a failed prespawn: the usual spawn meets it again
            prespawned = None
    spawned = prespawned or _spawn_monitor(config, detached=not attach)
    caller, monitor = spawned.caller, spawned.pid
    output: _socket.socket | None = None
    try:
        if prespawned is not None:
            caller.send(json.dumps(monitor_args(config, not attach)).encode())
        if config.streams is not None:
            _send_streams(caller, config.streams, monitor)
        init_pid = 0
        while True:
            message = _receive(caller, monitor)
            if "pid" in message:
                init_pid = int(message["pid"])
                if on_pid is not None:
                    on_pid(init_pid)
            elif message.get("stage") == "namespaces":
                if on_namespaces is not None:
                    on_namespaces(init_pid)
                testpoint.pause("start-before-go")
                try:
                    if attach:
                        output = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
                        output.connect(config.attach_socket)
                    caller.send(_go(window))
                except OSError as exc:
                    raise _monitor_died(monitor, exc) from None
            elif message.get("exec"):
                break
            elif "error" in message:
                _wait_gone(caller)
                raise _error_of(int(message["code"]), str(message["error"]))
    except BaseException:
        if output is not None:
            output.close()
        caller.close()
        raise
    testpoint.pause("start-after-exec")
    if not attach and _killed_after_start(monitor, config.bundle):
        caller.close()
        raise _monitor_died(monitor, None)
    if not attach:
        caller.close()
        return Started(monitor, init_pid, None, None)
    return Started(monitor, init_pid, caller, output)


def finish(started: Started) -> None:
    """Let an attached monitor exit and wait until it has (its rootfs unmounted)."""
    if started.output is not None:
        started.output.close()
    if started.sync is not None:
        _wait_gone(started.sync)


def release(started: Started) -> None:
    """Hang up on an attached monitor without waiting: the container runs on."""
    for sock in (started.output, started.sync):
        if sock is not None:
            sock.close()


def _send_streams(caller: _socket.socket, streams: tuple[int, int, int], monitor: int) -> None:
    """Hand the monitor the container's stdin, stdout and stderr (passthrough).

    Over the sync socket, as the message after its options: the monitor is
    spawned (or prespawned) with /dev/null as its own stdio, so that it never
    holds ours, and it keeps these only until its init has them.
    """
    rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in streams)
    try:
        caller.sendmsg([b'{"streams": true}'], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
    except OSError as exc:
        raise _monitor_died(monitor, exc) from None


def _go(window: tuple[int, int] | None) -> bytes:
    if window is None or not all(window):
        return b"go"
    return f"go {window[0]} {window[1]}".encode()


def _receive(caller: _socket.socket, monitor: int) -> dict[str, Any]:
    """The monitor's next start-up message; its death (a hang-up, a reset, a
    message cut short) is an error that says so, never a bare errno."""
    try:
        data = caller.recv(65536)
        message = json.loads(data) if data else None
    except (OSError, ValueError) as exc:
        raise _monitor_died(monitor, exc) from None
    if not isinstance(message, dict):
        raise _monitor_died(monitor, None)
    return message


def _monitor_died(monitor: int, exc: BaseException | None) -> HutchError:
    how = f" ({exc.strerror or exc})" if isinstance(exc, OSError) else ""
    return HutchError(
        f"the container monitor (pid {monitor}) exited while the container was starting{how}",
        hint="it was killed or crashed: the container is not running; "
        "see hutch ps -a, then hutch start or hutch rm it",
    )


def _killed_after_start(monitor: int, bundle: Path) -> bool:
    """A detached start: the monitor was killed after the command ran (its state
    still says running, and it is gone), so the id would name a dead container."""
    if procfs.start_time(monitor):
        return False
    state = st.read_state(st.state_path(bundle))
    return state.status == st.RUNNING


def _error_of(code: int, text: str) -> HutchError:
    if code == 127:
        return CommandNotFound(text)
    if code == 126:
        return CannotInvoke(text)
    return HutchError(text)


def _spawn(
    argv: Sequence[str], new_pidns: bool = True, early: ForeseenNetwork | None = None
) -> MonitorPid:
    """Start the monitor as PID 1 of a new pid namespace; its host pid (read when asked).

    A short-lived child unshares the pid namespace (which affects only its
    children; not with ``new_pidns`` False, the monitor of a container that
    joins another's) and starts the monitor with /dev/null as stdio: the
    monitor must not hold our stdout, or a caller reading it would never
    see EOF while the container lives. The monitor is that child's fork
    (``_become_monitor``, which also starts ``early``'s network) when ``_may_fork``
    allows, else a new interpreter (and ``early`` is left to the container's start).
    """
    import hutch
    from hutch.linux import syscalls as sc
    from hutch.util import codecache

    env = dict(os.environ)
    # -S skips site (faster, smaller); the package's own location is enough.
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(hutch.__file__)))
    env[codecache.PROFILE_ENV] = "monitor"  # its own small cache file (util/codecache.py)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0),
    ]
    fork = _may_fork(argv)
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the short-lived intermediate
        code = 1
        try:
            os.close(read_fd)
            if new_pidns:
                sc.unshare(sc.CLONE_NEWPID)
            if fork:
                pid = os.fork()
                if pid == 0:
                    os.close(write_fd)  # our caller reads the pid up to EOF
                    _become_monitor(argv, env, early)
            else:
                pid = os.posix_spawn(argv[0], list(argv), env, file_actions=actions, setsid=True)
            os.write(write_fd, str(pid).encode())
            code = 0
        except BaseException as exc:
            os.write(write_fd, f"error: {exc}".encode())
        finally:
            os._exit(code)
    os.close(write_fd)
    return MonitorPid(child, read_fd)


# Set (to anything) to start every monitor as a new interpreter, never forked.
EXEC_ENV = "HUTCH_MONITOR_EXEC"


def _may_fork(argv: Sequence[str]) -> bool:
    """Whether the monitor can be this process, forked, rather than a new interpreter.

    Forked, it starts with the modules this command has imported (the runtime's,
    the spec's), where a new interpreter spent about 40 ms of CPU on its start and
    imports before it could read its options: on the critical path of ``run``
    (``run --rm`` 127 -> 105 ms, ``start`` 147 -> 126, medians, idle machine). Not
    with another thread running (the API service, a compose up): a thread's locks
    would be held for ever in the child. Not when our command line is too short
    to show the monitor's (``linux/proctitle.py``; ``python -m hutch`` can be).
    """
    if os.environ.get(EXEC_ENV):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    from hutch.linux import proctitle

    return proctitle.fits(argv[:4], proctitle.arg_area())


def _become_monitor(  # pragma: no cover
    argv: Sequence[str], env: dict[str, str], early: ForeseenNetwork | None = None
) -> NoReturn:
    """The forked monitor: first what ``posix_spawn`` and a new interpreter's
    start would have given it (a session of its own, /dev/null as stdio, none
    of our close-on-exec descriptors, no handler of ours, no atexit function of
    ours, its environment and command line), then ``early``'s network (pasta's start
    overlaps the monitor's imports and our create), then the monitor's ``main``."""
    import gc

    # Whatever the command left for the cycle collector stays uncollected: a
    # finalizer run here would close a descriptor number by then the monitor's,
    # or an SQLite connection (which may checkpoint and delete the command's WAL).
    gc.freeze()
    code = 1
    try:
        os.setsid()
        _stdio_to_null()
        highest = _close_on_exec_fds()
        _default_handlers()
        import atexit

        atexit._clear()  # the command's: its temporary directories, its code cache
        os.environ.update(env)
        sys.argv = [argv[3], *argv[4:]]
        from hutch.linux import proctitle

        # as much of the monitor's command line as ours has room for: at least the
        # interpreter and the module (``_may_fork`` checked that much fits)
        if not proctitle.set_cmdline(argv, comm=os.path.basename(argv[0]), least=4):
            os.execve(argv[0], list(argv), env)  # as posix_spawn would have
        started = None
        if early is not None:
            from hutch.runtime import nethelper

            started = nethelper.start_early(early.net, early.fifo_dir, early.log_dir, highest)
        from hutch.runtime import monitor

        monitor.main(list(argv[4:]), early=started)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:  # an exec'd monitor's traceback went to /dev/null too
        pass
    finally:
        os._exit(code)


def _stdio_to_null() -> None:
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if null > 2:
        os.close(null)


def _close_on_exec_fds() -> int:
    """Close what an exec would have: our close-on-exec descriptors (the store's
    database, our pipes). Inheritable ones stay, as across an exec: the sync
    socket, ``--preserve-fds``. The highest number that was open."""
    highest = 2
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        highest = max(highest, fd)
        if fd <= 2:
            continue
        try:
            if not os.get_inheritable(fd):
                os.close(fd)
        except OSError:
            pass  # the listing's own descriptor, closed already
    return highest


def _default_handlers() -> None:
    """Handlers as a new interpreter has them: an exec turns each handler into
    the default (an ignored signal stays ignored), then Python sets its own
    SIGINT handler; our wake-up descriptor is gone."""
    import _signal  # type: ignore[import-not-found]  # no stubs for the builtin

    _signal.set_wakeup_fd(-1)
    for sig in _signal.valid_signals():
        handler = _signal.getsignal(sig)
        if callable(handler) and handler is not _signal.default_int_handler:
            wanted = _signal.default_int_handler if sig == _signal.SIGINT else _signal.SIG_DFL
            _signal.signal(sig, wanted)


def _wait_gone(sync: _socket.socket) -> None:
    """Tell the monitor we are done and wait until it exits (EOF)."""
    try:
        sync.shutdown(_socket.SHUT_WR)
        while sync.recv(16):
            pass
    except OSError:
        pass
    finally:
        sync.close()

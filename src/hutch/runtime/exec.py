"""Running one more process inside a running container (exec, health checks).

    caller ──fork──▶ joiner (setns: ipc, uts, net, cgroup, pid, mnt of the init)
                        └──fork──▶ process (in the container's pid namespace:
                                   terminal, identity, environment, execve)

The caller is already in the session user namespace (uid 0 there, which owns
every container namespace). ``setns(CLONE_NEWPID)`` only moves the children
of a process, hence the second fork. The joiner reports the process's pid,
waits for it and exits with its status (128+N for signal N), so the caller
waits for one child only. Caller and process share a SOCK_SEQPACKET pair: the
process sends its terminal master (SCM_RIGHTS) or its failure with
125/126/127; its end is close-on-exec, so EOF means the command was exec'd.

Standard library and runtime only: the monitor imports this for health checks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import select
import signal
import socket
import struct
import termios
import tty
from dataclasses import dataclass
from types import FrameType

from hutch.linux import sigreset
from hutch.linux import syscalls as sc
from hutch.runtime import command_start, security
from hutch.runtime.events_log import event_line, open_log
from hutch.runtime.spec import Spec
from hutch.runtime.users import resolve_user
from hutch.util.fdio import write_all

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import NoReturn

# user first: a container with its own user namespace (--userns) owns the
# others, and joining them needs CAP_SYS_ADMIN there.
# mnt last: after it, /proc/<pid> paths mean the container's /proc.
_JOIN_ORDER = (
    ("user", sc.CLONE_NEWUSER),
    ("ipc", sc.CLONE_NEWIPC),
    ("uts", sc.CLONE_NEWUTS),
    ("net", sc.CLONE_NEWNET),
    ("cgroup", sc.CLONE_NEWCGROUP),
    ("pid", sc.CLONE_NEWPID),
    ("mnt", sc.CLONE_NEWNS),
)
# Signals the caller forwards to the process itself; the joiner ignores them.
FORWARDED_SIGNALS = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


# Python ignores these at start-up; an exec'd command must get the defaults.
class ExecFailed(Exception):
    """The process could not be started: ``code`` is 125, 126 or 127."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DiedEvent:
    """The ``exec_died`` event a detached session's joiner logs when its process ends
    (podman's conmon does it): the event log, the container's id, name, image and event
    attributes; the exit code is added then."""

    log: str
    container_id: str
    name: str
    image: str
    attributes: tuple[tuple[str, str], ...] = ()

    def line(self, code: int) -> bytes:
        attributes = {**dict(self.attributes), "exitCode": str(code)}
        return event_line("container", "exec_died", self.container_id, self.name, self.image,
                          attributes)  # fmt: skip


@dataclass(frozen=True)
class ExecRequest:
    init_pid: int  # the container init's pid as the caller sees it
    spec: Spec  # the container's spec, ``process`` replaced by the one to run
    detach: bool = False  # the joiner does not wait: the process outlives it
    kill_with_joiner: bool = False  # health checks: killing the joiner kills it
    window: tuple[int, int] = (24, 80)  # the caller's terminal size, with a terminal
    preserve_fds: int = 0  # the caller's 3 .. 3+N-1 stay open in the process (--preserve-fds)
    # detached: a joiner that outlives the caller waits for the process and logs this
    died: DiedEvent | None = None


@dataclass(frozen=True)
class ExecHandle:
    joiner: int  # our child; its exit status is the process's
    sock: socket.socket
    # with ``died``: ours to close (``release``) once the session's ``exec`` event is
    # logged; its ``exec_died`` waits for that, so that the two are in order
    release_fd: int = -1


def release(handle: ExecHandle) -> None:
    """Let a detached session's joiner log its ``exec_died`` (once its process ends)."""
    if handle.release_fd >= 0:
        with contextlib.suppress(OSError):
            os.close(handle.release_fd)


@dataclass(frozen=True)
class Started:
    pid: int  # the process, as the caller sees it (signals go here)
    master: int | None  # the terminal master, with a terminal
    # its pid in the container's pid namespace, as the process itself read it: once
    # it is gone (ps's run ends in a millisecond), /proc no longer tells (0: unknown)
    ns_pid: int = 0


def exit_code_of(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def open_namespaces(init_pid: int) -> list[tuple[int, int]]:
    """Descriptors of the init's namespaces that differ from ours, in join order."""
    out = []
    try:
        for name, flag in _JOIN_ORDER:
            theirs = os.stat(f"/proc/{init_pid}/ns/{name}")
            ours = os.stat(f"/proc/self/ns/{name}")
            if (theirs.st_dev, theirs.st_ino) == (ours.st_dev, ours.st_ino):
                continue
            out.append((os.open(f"/proc/{init_pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC), flag))
    except BaseException:
        for fd, _ in out:
            os.close(fd)
        raise
    return out


def start_exec(request: ExecRequest, stdio: tuple[int, int, int]) -> ExecHandle:
    """Fork the joiner; ``stdio`` becomes the process's 0, 1, 2 (unless a terminal)."""
    namespaces = open_namespaces(request.init_pid)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    held, release_fd = os.pipe2(os.O_CLOEXEC) if request.died is not None else (-1, -1)
    try:
        pid = os.fork()
    except BaseException:
        ours.close()
        theirs.close()
        for fd in (held, release_fd):
            if fd >= 0:
                os.close(fd)
        raise
    if pid == 0:  # pragma: no cover - the joiner
        code = 125
        try:
            ours.close()
            _joiner(request, namespaces, stdio, theirs, held)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                command_start.send(theirs, {"error": f"joining the container: {exc}", "code": 125})
        finally:
            os._exit(code)
    theirs.close()
    for fd, _ in namespaces:
        os.close(fd)
    if held >= 0:
        os.close(held)
    return ExecHandle(pid, ours, release_fd)


def wait_started(handle: ExecHandle) -> Started:
    """Read the handshake until the command runs; ExecFailed if it did not."""
    pid = ns_pid = 0
    master: int | None = None
    try:
        while True:
            data, fds, _f, _a = socket.recv_fds(handle.sock, 65536, 1)
            if not data:
                break
            message = json.loads(data)
            if "pid" in message:
                pid = int(message["pid"])
            elif "ns_pid" in message:
                ns_pid = int(message["ns_pid"])
            elif "tty" in message and fds:
                master = fds[0]
            elif "error" in message:
                for fd in fds:
                    os.close(fd)
                if master is not None:
                    os.close(master)
                raise ExecFailed(int(message["code"]), str(message["error"]))
    finally:
        handle.sock.close()
    return Started(pid, master, ns_pid)


# -- the joiner and the process (forked children) -------------------------------


def _joiner(
    request: ExecRequest,
    namespaces: list[tuple[int, int]],
    stdio: tuple[int, int, int],
    sock: socket.socket,
    held: int = -1,
) -> NoReturn:
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)  # a monitor's, inherited by fork
    for sig in FORWARDED_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
    log = -1
    if request.detach and request.died is not None:
        # The caller reaps our parent at once; this joiner stays the process's parent,
        # the one that can learn its exit code, and logs it. The log is opened before
        # the container's mount namespace hides the path.
        log = open_log(request.died.log)
        if os.fork() != 0:
            os._exit(0)
        os.setsid()  # the caller's terminal session is none of ours
    passed = range(3, 3 + request.preserve_fds)
    keep = {0, 1, 2, *passed, sock.fileno(), *(fd for fd, _ in namespaces), log, held}
    _close_except(keep)  # a monitor's pipes and sockets must not stay open here
    for fd, flag in namespaces:
        sc.setns(fd, flag)
        os.close(fd)
    pid = os.fork()
    if pid == 0:
        _process_main(request, sock)
    command_start.send(sock, {"pid": pid})
    sock.close()
    if request.detach and log < 0:
        os._exit(0)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(125)
    code = exit_code_of(status)
    if request.died is not None and log >= 0:
        _wait_released(held)
        with contextlib.suppress(OSError):  # an event is never worth failing for
            os.write(log, request.died.line(code))
    os._exit(code)


def _wait_released(held: int) -> None:
    """Until the caller has closed its end (its ``exec`` event logged, or it is gone)."""
    while held >= 0:
        try:
            if not os.read(held, 1):
                return
        except InterruptedError:
            continue
        except OSError:
            return


def _process_main(request: ExecRequest, sock: socket.socket) -> NoReturn:
    spec = request.spec
    with contextlib.suppress(OSError):  # the caller gone: the exec fails below anyway
        command_start.send(sock, {"ns_pid": os.getpid()})
    try:
        user = resolve_user("/", spec.process.user.spec, primary_too=False)  # podman's exec
        if spec.process.terminal:
            command_start.setup_terminal(sock, user, request.window)
        else:
            os.setsid()
        security.switch_identity(spec, user)  # capabilities, rlimits, seccomp
        if request.kill_with_joiner:
            # After the identity switch: changing credentials clears it.
            sc.prctl(sc.PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() == 1:
                os._exit(137)
        command_start.mark_cloexec_above(2 + request.preserve_fds)
        for fd in range(3, 3 + request.preserve_fds):
            os.set_inheritable(fd, True)  # a descriptor hutch got may be close-on-exec
        # what only the container's own process has (podman's HOSTNAME) is not an exec
        # session's nor a health check's (``hutch exec`` cleared it where -e gave it)
        env = command_start.environment(spec.process.exec_env, user)
        cwd = spec.process.cwd or "/"
        try:
            os.chdir(cwd)
        except OSError as exc:
            raise command_start.ExecFailure(
                126, f"cannot enter working directory {cwd}: {exc.strerror}"
            ) from exc
        # the forwarded signals ignored above, Python's SIGPIPE and SIGXFSZ, and what
        # the monitor inherited ignored: all at their default, as in a container's init
        sigreset.reset_for_exec()
        command_start.exec_command(spec.process.args, env)
    except command_start.ExecFailure as exc:
        command_start.report(sock, exc.code, str(exc))
    except Exception as exc:
        command_start.report(sock, 125, f"exec failed: {exc}")
    os._exit(125)


def _close_except(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


# -- the caller's terminal ↔ the process's terminal --------------------------------


def window_of(fd: int) -> tuple[int, int] | None:
    try:
        size = fcntl.ioctl(fd, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
    except OSError:
        return None
    rows, cols, _x, _y = struct.unpack("HHHH", size)
    return (rows, cols) if rows and cols else None


def copy_window_size(src: int, master: int) -> None:
    size = window_of(src)
    if size is not None:
        with contextlib.suppress(OSError):
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))


def relay_terminal(
    master: int,
    *,
    stdin: bool,
    stdio: tuple[int, int] = (0, 1),
    resize_fd: int | None = None,
) -> None:
    """Copy the terminal master to stdout (and stdin to it) until it hangs up.

    The local terminal goes to raw mode while stdin is relayed, so that ^C
    reaches the process as a byte; its window size follows SIGWINCH.
    ``stdio`` (input, output) are other descriptors than ours (an API
    server's pipes); ``resize_fd`` gives window sizes then ("ROWS COLS" lines).
    """
    from hutch.util import gcpause

    # a relay can last: the collector's again (the CLI paused it to start)
    gcpause.resume(freeze=True)
    in_fd = stdio[0]
    local_tty = os.isatty(in_fd)
    saved = termios.tcgetattr(in_fd) if (stdin and local_tty) else None
    previous = None
    if local_tty:
        copy_window_size(in_fd, master)

        def on_winch(_sig: int, _frame: FrameType | None) -> None:
            copy_window_size(in_fd, master)

        previous = signal.signal(signal.SIGWINCH, on_winch)
    try:
        if saved is not None:
            tty.setraw(in_fd)
        _pump_terminal(master, in_fd if stdin else None, stdio[1], resize_fd)
    finally:
        if previous is not None:
            signal.signal(signal.SIGWINCH, previous)
        if saved is not None:
            termios.tcsetattr(in_fd, termios.TCSADRAIN, saved)


def _set_window(master: int, line: bytes) -> None:
    try:
        rows, cols = (int(x) for x in line.split())
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except (ValueError, OSError, struct.error):
        pass  # a bad size from the client changes nothing


def _pump_terminal(
    master: int, in_fd: int | None, out_fd: int = 1, resize_fd: int | None = None
) -> None:
    readers = [master] if in_fd is None else [master, in_fd]
    if resize_fd is not None:
        readers.append(resize_fd)
    sizes = b""
    while True:
        try:
            ready, _, _ = select.select(readers, [], [])
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError as exc:
                if exc.errno == errno.EIO:
                    return  # every slave descriptor is closed: the process is done
                raise
            if not data:
                return
            write_all(out_fd, data)
        if resize_fd is not None and resize_fd in ready:
            data = os.read(resize_fd, 4096)
            if not data:
                readers.remove(resize_fd)
                resize_fd = None
            sizes += data
            *lines, sizes = sizes.split(b"\n")
            for line in lines:
                _set_window(master, line)
        if in_fd is not None and in_fd in ready:
            data = os.read(in_fd, 65536)
            if data:
                write_all(master, data)
            else:
                write_all(master, b"\x04")  # end of input: the terminal's EOF character
                readers.remove(in_fd)
                in_fd = None

"""Starting a container: the parent's half of the handshake.

    caller ──fork──▶ monitor (own session, new pid namespace)
                        └──fork──▶ init (PID 1: namespaces, mounts, exec)

The monitor is the init's real parent, so it reaps it and turns its wait
status into an exit code (128+N for a signal); later it also owns logs and
restarts. The caller talks to both over one SOCK_SEQPACKET pair: the
monitor reports the init's host pid, the init reports each stage, hands
over a terminal, or reports why it could not exec. The init's end is
close-on-exec, so end-of-file means the command was exec'd.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass

from hutch.api.errors import CannotInvoke, CommandNotFound, HutchError
from hutch.linux import syscalls as sc
from hutch.runtime.container import container_main, send
from hutch.runtime.rootfs import mount_rootfs
from hutch.runtime.spec import Spec


@dataclass(frozen=True)
class Started:
    monitor_pid: int
    init_pid: int
    tty_master: int | None


def start(
    spec: Spec, *, gid5_mapped: bool, on_namespaces: Callable[[int], None] | None = None
) -> Started:
    """Fork the monitor and the container init; return once the command is exec'd."""
    parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    parent_sock.set_inheritable(False)
    monitor = os.fork()
    if monitor == 0:  # pragma: no cover - runs in the monitor
        parent_sock.close()
        _monitor_main(spec, child_sock, gid5_mapped)
    child_sock.close()
    try:
        return _handshake(parent_sock, monitor, on_namespaces)
    finally:
        parent_sock.close()


def _handshake(
    sock: socket.socket, monitor: int, on_namespaces: Callable[[int], None] | None
) -> Started:
    init_pid = 0
    tty: int | None = None
    error: tuple[int, str] | None = None
    while True:
        data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 1)
        if not data:
            break
        message = json.loads(data)
        if "pid" in message:
            init_pid = int(message["pid"])
        elif message.get("stage") == "namespaces":
            if on_namespaces is not None:
                on_namespaces(init_pid)
            sock.send(b"go")
        elif "tty" in message and fds:
            tty = fds[0]
        elif "error" in message:
            error = (int(message["code"]), str(message["error"]))
    if error is not None:
        os.waitpid(monitor, 0)
        if tty is not None:
            os.close(tty)
        code, text = error
        if code == 127:
            raise CommandNotFound(text)
        if code == 126:
            raise CannotInvoke(text)
        raise HutchError(text)
    if init_pid == 0:
        _, status = os.waitpid(monitor, 0)
        raise HutchError(f"the container monitor failed (status {status})")
    return Started(monitor, init_pid, tty)


def wait(started: Started) -> int:
    """Wait for the monitor; its exit code is the container's."""
    while True:
        try:
            _, status = os.waitpid(started.monitor_pid, 0)
            return os.waitstatus_to_exitcode(status)
        except InterruptedError:
            continue


def _monitor_main(spec: Spec, sock: socket.socket, gid5_mapped: bool) -> None:  # pragma: no cover
    code = 125
    try:
        os.setsid()
        for sig in (
            signal.SIGINT,
            signal.SIGTERM,
            signal.SIGHUP,
            signal.SIGQUIT,
            signal.SIGWINCH,
            signal.SIGCHLD,
        ):
            signal.signal(sig, signal.SIG_DFL)
        sc.unshare(sc.CLONE_NEWPID | sc.CLONE_NEWNS)
        helper = mount_rootfs(spec.rootfs)
        os.chdir("/")
        init = os.fork()
        if init == 0:
            container_main(spec, sock, gid5_mapped)
        send(sock, {"pid": init})
        sock.close()
        while True:
            try:
                _, status = os.waitpid(init, 0)
                break
            except InterruptedError:
                continue
        code = exit_code_of(status)
        if helper is not None:
            helper.terminate()
            helper.wait()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            send(sock, {"error": f"monitor: {exc}", "code": 125})
    finally:
        os._exit(code)


def exit_code_of(status: int) -> int:
    """Exit status as a shell reports it: the code, or 128+N for signal N."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)

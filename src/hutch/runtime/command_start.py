"""The last steps of starting a command in a container, shared by the init
(runtime/container.py) and exec (runtime/exec.py): the terminal, the
environment, the ``execve`` with podman's 126/127 messages, and the report of
a failure to the parent over the sync socket.

Apart from runtime/container.py so that exec loads none of the init's set-up
(mounts, cgroups, user namespaces, the tiny init: issue 16).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import struct
import termios
from dataclasses import dataclass

from hutch.runtime.spec import DEFAULT_PATH
from hutch.runtime.users import ResolvedUser

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import Any, NoReturn

_TIOCGPTN = 0x80045430
_TIOCSPTLCK = 0x40045431


class ExecFailure(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def report(sock: socket.socket, code: int, message: str) -> NoReturn:
    try:
        send(sock, {"error": message, "code": code})
    finally:
        os._exit(code)


@dataclass(frozen=True)
class Passed:
    """The caller's descriptors a run's command gets: 3 .. 3+count-1 (--preserve-fds),
    and, for socket activation (``listen_fdnames`` not None), systemd's variables."""

    count: int = 0
    listen_fdnames: str | None = None

    def keep_open(self) -> None:
        """Let the descriptors reach the command, and only them beyond stdio."""
        mark_cloexec_above(2 + self.count)
        for fd in range(3, 3 + self.count):
            os.set_inheritable(fd, True)

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` with sd_listen_fds(3)'s variables, in the process about to exec:
        LISTEN_PID is its own pid (1 as the container's init, another under --init)."""
        if self.listen_fdnames is None:
            return env
        out = {**env, "LISTEN_FDS": str(self.count), "LISTEN_PID": str(os.getpid())}
        if self.listen_fdnames:
            out["LISTEN_FDNAMES"] = self.listen_fdnames
        return out


def mark_cloexec_above(lowest: int) -> None:
    """Let no descriptor beyond stdio leak into the container's command."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > lowest:
            try:
                os.set_inheritable(fd, False)
            except OSError:
                continue  # the directory's own descriptor, already closed


def setup_terminal(sock: socket.socket, user: ResolvedUser, window: tuple[int, int]) -> None:
    master = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    fcntl.ioctl(master, _TIOCSPTLCK, struct.pack("i", 0))
    number = struct.unpack("I", fcntl.ioctl(master, _TIOCGPTN, b"\0" * 4))[0]
    # The attached client's size (sent with "go"), so that the command sees it
    # from its first instruction; 24x80 without one, rather than a useless 0x0.
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", *window, 0, 0))
    slave = os.open(f"/dev/pts/{number}", os.O_RDWR | os.O_NOCTTY)
    if user.uid != 0:
        os.fchown(slave, user.uid, -1)
    send(sock, {"tty": number}, [master])
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)


def environment(env: tuple[str, ...], user: ResolvedUser) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in env:
        key, _, value = item.partition("=")
        out[key] = value
    # no PATH is added: --unsetenv PATH leaves the process without one, as podman's
    # (exec_command still finds the program along the default PATH)
    out.setdefault("HOME", user.home)
    return out


def exec_command(args: tuple[str, ...], env: dict[str, str]) -> NoReturn:
    if not args:
        raise ExecFailure(125, "no command given and the image has neither Entrypoint nor Cmd")
    program = args[0]
    if "/" in program:
        candidates = [program]
    else:
        search = env.get("PATH", DEFAULT_PATH)
        candidates = [os.path.join(d or ".", program) for d in search.split(":")]
    denied: OSError | None = None
    for path in candidates:
        try:
            os.execve(path, list(args), env)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                continue
            denied = exc
            if "/" in program:
                break
    # The words after the last colon are podman's (what scripts grep for).
    if denied is not None:
        raise ExecFailure(126, f"{program}: {denied.strerror}: OCI permission denied")
    where = "" if "/" in program else " in $PATH"
    raise ExecFailure(
        127,
        f"executable file `{program}` not found{where}: No such file or directory: "
        "OCI runtime attempted to invoke a command that was not found",
    )

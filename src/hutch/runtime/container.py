"""What runs inside the container's init process, between fork and execve.

This code runs in the forked child (PID 1 of the new pid namespace, or a
process of the pid namespace it joins: ``runtime/pidshare.py``). It
never returns: it either execs the container command or reports the failure
to the parent over the sync socket and exits with 125, 126 or 127.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import struct
import termios
from typing import Any, NoReturn

from hutch.cgroups import v2
from hutch.linux import procfs, sigreset
from hutch.linux import syscalls as sc
from hutch.runtime import mounts, passwd, pidshare, security, userns, volume_chown
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import Process, Spec
from hutch.runtime.tinyinit import run_as_init  # imported now: after pivot_root it is out of reach
from hutch.runtime.users import ResolvedUser, read_db, resolve_user

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_TIOCGPTN = 0x80045430
_TIOCSPTLCK = 0x40045431
_PERSONAS = {"LINUX": sc.PER_LINUX, "LINUX32": sc.PER_LINUX32}
_NS_FLAGS = {
    "mount": sc.CLONE_NEWNS,
    "uts": sc.CLONE_NEWUTS,
    "ipc": sc.CLONE_NEWIPC,
    "net": sc.CLONE_NEWNET,
    "cgroup": sc.CLONE_NEWCGROUP,
}


class _ExecFailure(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _make_workdir(spec: Spec, root: str, cwd: str) -> None:
    """Create a missing working directory the image named, as podman does. One named
    with --workdir must exist (podman refuses it with exit 126, in its words, whoever
    the user), unless it lies under a mount, where podman's runtime creates it."""
    path = resolve_in_root(root, cwd)
    if os.path.lexists(path) and not os.path.isdir(path):
        raise _ExecFailure(
            126, f'workdir "{cwd}" exists on container {spec.id}, but is not a directory'
        )
    under_mount = any(
        cwd == m.destination or cwd.startswith(m.destination.rstrip("/") + "/") for m in spec.mounts
    )
    if not spec.process.create_cwd and not under_mount and not os.path.isdir(path):
        raise _ExecFailure(126, f'workdir "{cwd}" does not exist on container {spec.id}')
    os.makedirs(path, exist_ok=True)


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def container_main(spec: Spec, sock: socket.socket, gid5_mapped: bool) -> NoReturn:
    """Set up the container and exec its command; never returns."""
    try:
        _setup_and_exec(spec, sock, gid5_mapped)
    except _ExecFailure as exc:
        _report(sock, exc.code, str(exc))
    except OSError as exc:
        _report(sock, 125, f"container setup failed: {exc}")
    except Exception as exc:
        _report(sock, 125, f"container setup failed: {exc}")
    os._exit(125)


def _report(sock: socket.socket, code: int, message: str) -> NoReturn:
    try:
        send(sock, {"error": message, "code": code})
    finally:
        os._exit(code)


def _setup_and_exec(spec: Spec, sock: socket.socket, gid5_mapped: bool) -> None:
    if spec.userns.enabled:
        spec = userns.relative_paths(spec)  # the storage above may be closed to us
    cgroup = v2.container_cgroup(spec.resources, spec.id)
    if cgroup is not None and not spec.userns.enabled:  # else joined by runtime/userns.py
        # Before unsharing the cgroup namespace, whose root is then this cgroup.
        v2.join(cgroup)
    for ns, path in spec.joins:  # a pod's namespaces (then not in spec.namespaces)
        if ns not in ("pid", "user"):  # entered by our forker (pidshare, userns)
            _join(ns, path)
    if spec.network.join:
        _join_network(spec.network.join)  # container:NAME, ns:PATH ("net" is then not unshared)
    flags = 0
    for ns in spec.namespaces:
        flags |= _NS_FLAGS.get(ns, 0)
    sc.unshare(flags)
    if "net" in spec.namespaces and spec.network.mode == "none":
        _loopback_up()
    send(sock, {"stage": "namespaces"})
    go = sock.recv(64).split()
    if not go or go[0] != b"go":
        os._exit(125)
    window = (int(go[1]), int(go[2])) if len(go) == 3 else (24, 80)
    shares_pid = not pidshare.own_pidns(spec.namespaces)
    if shares_pid:
        # No pid namespace dies with the monitor: we must. (Our forker has gone
        # and we are the monitor's child by now: it waited for the forker.)
        pidshare.die_with_parent()

    root = spec.rootfs.target  # mounted by the monitor, inherited with the mount table
    if spec.userns.enabled:
        userns.own_root_mount(root)
    for step in mounts.base_plan(spec, gid5_mapped=gid5_mapped):
        step.execute(root)
    security.setup_mounts(spec, root)
    if spec.userns.enabled:
        userns.add_identity_entries(root, spec.userns)
    passwd.add_entries(
        root, spec, read_db(root, "/etc/passwd"), read_db(root, "/etc/group")
    )  # --user UID the image lacks, --hostuser, --passwd-entry, --group-entry
    user = resolve_user(root, spec.process.user.spec)
    volume_chown.chown_mounts(root, spec.mounts, user.uid, user.gid)
    cwd = spec.process.cwd or "/"
    _make_workdir(spec, root, cwd)
    if spec.rootfs.readonly:
        mounts.remount_bind(root, sc.MS_RDONLY)

    os.chdir(root)
    sc.pivot_root(".", ".")
    sc.umount2(".", sc.MNT_DETACH)
    os.chdir("/")
    if "net" in spec.namespaces:  # its own network (a --sysctl of the user still wins)
        procfs.allow_ping()
    security.apply_sysctls(spec.security)
    mounts.mask_paths(spec.masked_paths)
    mounts.readonly_paths(spec.readonly_paths)
    if "uts" in spec.namespaces:
        socket.sethostname(spec.hostname)
        if spec.domainname:
            sc.setdomainname(spec.domainname)

    if spec.process.terminal:
        _setup_terminal(sock, user, window)
    else:
        os.setsid()
        if not spec.process.stdin:
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
    _set_persona(spec.process)  # before the seccomp filter, which limits personality(2)
    security.switch_identity(spec, user)  # capabilities, no_new_privs, seccomp
    if shares_pid:
        pidshare.die_with_parent()  # again: a change of identity cleared it
        if pidshare.monitor_gone(sock):
            os._exit(137)  # as the SIGKILL it missed would have ended it
    mark_cloexec_above(2)
    env = _environment(spec.process.env, user)
    try:
        os.chdir(cwd)
    except OSError as exc:
        raise _ExecFailure(126, f"cannot enter working directory {cwd}: {exc.strerror}") from exc
    # Python ignores SIGPIPE and SIGXFSZ at start-up, whatever started hutch may
    # have ignored others, and an ignored signal survives exec.
    sigreset.reset_for_exec()
    os.umask(spec.process.umask)
    if spec.lifecycle.init:
        run_as_init(lambda: _exec(spec.process.args, env), sock, spec.process.terminal)
    _exec(spec.process.args, env)


def _set_persona(process: Process) -> None:
    """--personality and --oom-score-adj: both are kept across execve."""
    if process.personality:
        sc.personality(_PERSONAS[process.personality])
    if process.oom_score_adj is not None:
        write_oom_score_adj(process.oom_score_adj)


def write_oom_score_adj(value: int, path: str = "/proc/self/oom_score_adj") -> int:
    """Write ``value``, clamped as rootless podman does: lowering the score needs
    CAP_SYS_RESOURCE in the host's user namespace, so a value below the current
    one becomes the current one. Returns the value written."""
    with open(path) as f:
        current = int(f.read())
    value = max(value, current)
    with open(path, "w") as f:
        f.write(str(value))
    return value


def _loopback_up() -> None:
    """--network none: a namespace with lo alone, up as podman's and docker's (a
    server and a client in one container, or in one pod, talk over 127.0.0.1).
    The other modes' helpers bring it up themselves."""
    from hutch.linux.rtnl import Rtnl

    try:
        with Rtnl() as ip:
            lo = ip.index("lo")
            if lo is not None:
                ip.set_link(lo, up=True)
    except OSError as exc:
        raise _ExecFailure(125, f"cannot bring up the loopback interface: {exc.strerror}") from exc


def _join(ns: str, path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, _NS_FLAGS[ns])
        finally:
            os.close(fd)
    except OSError as exc:
        raise _ExecFailure(125, f"cannot join the {ns} namespace {path}: {exc.strerror}") from exc


def _join_network(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, sc.CLONE_NEWNET)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _ExecFailure(
            125, f"cannot join the network namespace {path}: {exc.strerror}"
        ) from exc


def mark_cloexec_above(lowest: int) -> None:
    """Let no descriptor beyond stdio leak into the container's command."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > lowest:
            try:
                os.set_inheritable(fd, False)
            except OSError:
                continue  # the directory's own descriptor, already closed


def _setup_terminal(sock: socket.socket, user: ResolvedUser, window: tuple[int, int]) -> None:
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


def _environment(env: tuple[str, ...], user: ResolvedUser) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in env:
        key, _, value = item.partition("=")
        out[key] = value
    out.setdefault("PATH", DEFAULT_PATH)
    out.setdefault("HOME", user.home)
    return out


def _exec(args: tuple[str, ...], env: dict[str, str]) -> NoReturn:
    if not args:
        raise _ExecFailure(125, "no command given and the image has neither Entrypoint nor Cmd")
    program = args[0]
    if "/" in program:
        candidates = [program]
    else:
        candidates = [os.path.join(d or ".", program) for d in env["PATH"].split(":")]
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
        raise _ExecFailure(126, f"{program}: {denied.strerror}: OCI permission denied")
    where = "" if "/" in program else " in $PATH"
    raise _ExecFailure(
        127,
        f"executable file `{program}` not found{where}: No such file or directory: "
        "OCI runtime attempted to invoke a command that was not found",
    )

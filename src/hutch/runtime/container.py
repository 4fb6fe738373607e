"""What runs inside the container's init process, between fork and execve.

This code runs in the forked child (PID 1 of the new pid namespace, or a
process of the pid namespace it joins: ``runtime/pidshare.py``). It
never returns: it either execs the container command or reports the failure
to the parent over the sync socket and exits with 125, 126 or 127.
"""

from __future__ import annotations

import os
import socket

from hutch.api.errors import HutchError
from hutch.cgroups import v2
from hutch.linux import procfs, sigreset
from hutch.linux import syscalls as sc
from hutch.linux.rtnl import Rtnl  # imported now, not by the init after the options came
from hutch.runtime import mounts, passwd, pidshare, security, userns, volume_chown
from hutch.runtime.command_start import (
    ExecFailure,
    Passed,
    environment,
    exec_command,
    report,
    send,
    setup_terminal,
)
from hutch.runtime.logfile import PASSTHROUGH_DRIVERS
from hutch.runtime.paths_in_root import resolve_in_root
from hutch.runtime.spec import Process, Spec
from hutch.runtime.tinyinit import run_as_init  # imported now: after pivot_root it is out of reach
from hutch.runtime.users import read_db, resolve_user

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import NoReturn

_NONE_PASSED = Passed()  # a run given no descriptors (the default argument's value)
_PERSONAS = {"LINUX": sc.PER_LINUX, "LINUX32": sc.PER_LINUX32}
_NS_FLAGS = {
    "mount": sc.CLONE_NEWNS,
    "uts": sc.CLONE_NEWUTS,
    "ipc": sc.CLONE_NEWIPC,
    "net": sc.CLONE_NEWNET,
    "cgroup": sc.CLONE_NEWCGROUP,
}


def _make_workdir(spec: Spec, root: str, cwd: str) -> None:
    """Create a missing working directory the image named, as podman does. One named
    with --workdir must exist (podman refuses it with exit 126, in its words, whoever
    the user), unless it lies under a mount, where podman's runtime creates it."""
    path = resolve_in_root(root, cwd)
    if os.path.lexists(path) and not os.path.isdir(path):
        raise ExecFailure(
            126, f'workdir "{cwd}" exists on container {spec.id}, but is not a directory'
        )
    under_mount = any(
        cwd == m.destination or cwd.startswith(m.destination.rstrip("/") + "/") for m in spec.mounts
    )
    if not spec.process.create_cwd and not under_mount and not os.path.isdir(path):
        raise ExecFailure(126, f'workdir "{cwd}" does not exist on container {spec.id}')
    os.makedirs(path, exist_ok=True)


def container_main(
    spec: Spec,
    sock: socket.socket,
    gid5_mapped: bool,
    passed: Passed = _NONE_PASSED,
    netns: int = -1,
) -> NoReturn:
    """Set up the container and exec its command; never returns. ``netns``: the
    network namespace made for it already (nethelper.EarlyNetwork), joined, not made."""
    try:
        _setup_andexec_command(spec, sock, gid5_mapped, passed, netns)
    except ExecFailure as exc:
        report(sock, exc.code, str(exc))
    except OSError as exc:
        report(sock, 125, f"container setup failed: {exc}")
    except Exception as exc:
        report(sock, 125, f"container setup failed: {exc}")
    os._exit(125)


def _setup_andexec_command(
    spec: Spec, sock: socket.socket, gid5_mapped: bool, passed: Passed, netns: int = -1
) -> None:
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
    if netns >= 0:  # made with its lo up, or pasta on it (nethelper.EarlyNetwork)
        sc.setns(netns, sc.CLONE_NEWNET)
        os.close(netns)
        flags &= ~sc.CLONE_NEWNET
    sc.unshare(flags)
    if "net" in spec.namespaces and spec.network.mode == "none" and netns < 0:
        _loopback_up()
    # the monitor and the caller open our ns/net now (pasta, a bridge's veth)
    security.dumpable_again()
    send(sock, {"stage": "namespaces"})
    # Our mounts meanwhile, in our own mount namespace: the monitor attaches the
    # network (a user network's helper: about 10 ms) and asks the caller for its go
    # while we mount (3 to 5 ms) on the other core. Nothing of the container is
    # reached from its root before the go: the pivot, the identity and the command
    # come after it, and a start called off kills us with our mounts.
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
    try:
        user = resolve_user(root, spec.process.user.spec)
    except HutchError as exc:  # podman's runtime refuses it at start: exit 126, its words
        raise ExecFailure(126, str(exc)) from None
    volume_chown.chown_mounts(root, spec.mounts, user.uid, user.gid)
    cwd = spec.process.cwd or "/"
    _make_workdir(spec, root, cwd)
    if spec.rootfs.readonly:
        mounts.remount_bind(root, sc.MS_RDONLY)

    go = sock.recv(64).split()
    if not go or go[0] != b"go":
        os._exit(125)
    window = (int(go[1]), int(go[2])) if len(go) == 3 else (24, 80)
    shares_pid = not pidshare.own_pidns(spec.namespaces)
    if shares_pid:
        # No pid namespace dies with the monitor: we must. (Our forker has gone
        # and we are the monitor's child by now: it waited for the forker.)
        pidshare.die_with_parent()

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
        setup_terminal(sock, user, window)
    else:
        os.setsid()
        # a passthrough container's stdin is its caller's, -i or not (as podman's)
        if not spec.process.stdin and spec.log.driver not in PASSTHROUGH_DRIVERS:
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
    _set_persona(spec.process)  # before the seccomp filter, which limits personality(2)
    security.switch_identity(spec, user)  # capabilities, no_new_privs, seccomp
    if shares_pid:
        pidshare.die_with_parent()  # again: a change of identity cleared it
        if pidshare.monitor_gone(sock):
            os._exit(137)  # as the SIGKILL it missed would have ended it
    passed.keep_open()  # stdio and --preserve-fds's descriptors, no other
    env = environment(spec.process.env, user)
    try:
        os.chdir(cwd)
    except OSError as exc:
        raise ExecFailure(126, f"cannot enter working directory {cwd}: {exc.strerror}") from exc
    # Python ignores SIGPIPE and SIGXFSZ at start-up, whatever started hutch may
    # have ignored others, and an ignored signal survives exec.
    sigreset.reset_for_exec()
    os.umask(spec.process.umask)
    # LISTEN_PID is the pid of the process that execs: the command's, under --init too
    if spec.lifecycle.init:
        run_as_init(
            lambda: exec_command(spec.process.args, passed.environment(env)),
            sock,
            spec.process.terminal,
        )
    exec_command(spec.process.args, passed.environment(env))


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
    The other modes' helpers bring it up themselves. (``Rtnl`` is imported with
    this module, before the monitor has its options: imported here, by the forked
    init, it took about a millisecond of each ``run --network none``, issue 16.)"""
    try:
        with Rtnl() as ip:
            lo = ip.index("lo")
            if lo is not None:
                ip.set_link(lo, up=True)
    except OSError as exc:
        raise ExecFailure(125, f"cannot bring up the loopback interface: {exc.strerror}") from exc


def _join(ns: str, path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, _NS_FLAGS[ns])
        finally:
            os.close(fd)
    except OSError as exc:
        raise ExecFailure(125, f"cannot join the {ns} namespace {path}: {exc.strerror}") from exc


def _join_network(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, sc.CLONE_NEWNET)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ExecFailure(125, f"cannot join the network namespace {path}: {exc.strerror}") from exc

"""A container without a pid namespace of its own (``"pid"`` not in
``Spec.namespaces``): it joins another's (``("pid", PATH)`` in ``Spec.joins``:
a pod that shares pid, the pod's infra's namespace) or, with no such join,
stays in its monitor's.

``setns(CLONE_NEWPID)`` reaches only the caller's own pid namespace and its
descendants. A monitor that is PID 1 of a namespace of its own (the usual
case, ``runtime/spawn.py``) is a sibling of the namespace to join, so such a
container's monitor is spawned in the caller's pid namespace instead, an
ancestor of every container's, and becomes a child subreaper. Each run
forks a short-lived *forker* that ``setns``es into the namespace to join and
forks the init there, then exits: the init is reparented to the monitor
(the kernel looks for a subreaper among the forker's ancestors in the
forker's own namespace), which waits for it as for a child of its own. The
monitor's own children (network helpers, cleanup) stay in its namespace,
which it could not ``setns`` back into: the host's pid namespace belongs to
the host's user namespace.

What a pid namespace of its own gave for free is done here by hand:

- the container's processes are those in the init's *mount* namespace (each
  container init unshares one; ``exec`` joins it), not those of its pid
  namespace, which holds the whole pod: pause and the kill of what is left
  when the init exits use that set;
- the init asks for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), so
  a killed monitor does not leave it running unwatched.

Standard library and ``linux`` only: the monitor imports it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import socket
import struct
import time
from collections.abc import Callable

from hutch.linux import syscalls as sc

_KILL_ROUNDS = 50
# ioctl on a mount namespace's nsfs file (Linux 6.8): its 64-bit id, which,
# unlike the inode number, is never given to another namespace until reboot
NS_GET_MNTNS_ID = 0x8008B705  # _IOR(0xb7, 0x5, __u64)


def own_pidns(namespaces: tuple[str, ...] | list[str]) -> bool:
    """Whether the container (its monitor) gets a pid namespace of its own."""
    return "pid" in namespaces


def joined_pidns(joins: tuple[tuple[str, str], ...]) -> str:
    """The path of the pid namespace the container joins ("" for none)."""
    for ns, path in joins:
        if ns == "pid":
            return path
    return ""


def become_subreaper() -> None:
    """The monitor adopts the inits its forkers leave behind (and their orphans
    outside the joined namespace, such as a network helper's)."""
    sc.prctl(sc.PR_SET_CHILD_SUBREAPER, 1)


def fork_init(path: str, enter: Callable[[], None] | None = None) -> int:
    """Fork the container init into the pid namespace at ``path`` (ours if "").

    Like ``os.fork``: 0 in the init, the init's pid (in our namespace) in the
    caller, which must be a child subreaper. The forker has exited (and been
    waited for) when this returns, so the init is already the caller's child.
    ``enter`` runs in the forker after the pid namespace's ``setns`` (which
    needs the caller's capabilities), before the fork: it enters a pod's user
    namespace (``runtime/userns.enter``).
    """

    def prepare() -> None:
        if path:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                sc.setns(fd, sc.CLONE_NEWPID)
            finally:
                os.close(fd)
        if enter is not None:
            enter()

    where = f"the pid namespace {path}" if path else "the pid namespace"
    return fork_through(prepare, f"joining {where}")


def fork_through(prepare: Callable[[], None], what: str) -> int:
    """Fork the init through a short-lived forker that runs ``prepare`` first.

    A pid namespace applies to the children of whoever joins or unshares it,
    and the caller must keep its own: so a forker does ``prepare`` (namespaces,
    cgroup), forks the init, reports its pid and exits. Like ``os.fork``: 0 in
    the init, its pid in the caller, whose child it is once the forker has been
    waited for. A failure of ``prepare`` is an ``OSError`` saying ``what``.
    """
    pid_r, pid_w = os.pipe2(os.O_CLOEXEC)
    forker = os.fork()
    if forker == 0:  # pragma: no cover - the forker
        os.close(pid_r)
        try:
            prepare()
            init = os.fork()
        except OSError as exc:
            os.write(pid_w, b"e" + str(exc).encode())
            os._exit(1)
        if init == 0:
            os.close(pid_w)
            return 0
        os.write(pid_w, b"p" + str(init).encode())
        os._exit(0)
    os.close(pid_w)
    try:
        answer = os.read(pid_r, 4096).decode(errors="replace")
    finally:
        os.close(pid_r)
        os.waitpid(forker, 0)  # the init is now our child
    if not answer.startswith("p"):
        raise OSError(f"{what}: {answer[1:] or 'failed'}")
    return int(answer[1:])


def die_with_parent() -> None:
    """In the init: SIGKILL when the monitor dies. Set again after each change
    of identity (the kernel clears it when the credentials change)."""
    sc.prctl(sc.PR_SET_PDEATHSIG, signal.SIGKILL)


def monitor_gone(sock: socket.socket) -> bool:
    """In the init, after ``die_with_parent``: whether the monitor died before
    that (its end of the sync socket, open until our exec, is then closed)."""
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def mntns_of(pid: int, proc: str = "/proc") -> tuple[int, int]:
    """The identity (device, inode) of a process's mount namespace."""
    st = os.stat(f"{proc}/{pid}/ns/mnt")
    return st.st_dev, st.st_ino


def processes_in_mntns(mntns: tuple[int, int], proc: str = "/proc") -> list[int]:
    """Pids (as /proc shows them) of the processes in the mount namespace ``mntns``."""
    out = []
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            if mntns_of(int(entry), proc) == mntns:
                out.append(int(entry))
        except OSError:
            continue  # gone, or not ours to look at
    return out


def mntns_id(pid: int, proc: str = "/proc") -> int:
    """The unique id of a process's mount namespace (0 where the kernel has none
    to give: before 6.8)."""
    fd = os.open(f"{proc}/{pid}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    try:
        answer = fcntl.ioctl(fd, NS_GET_MNTNS_ID, bytes(8))
    except OSError as exc:
        if exc.errno in (errno.ENOTTY, errno.EINVAL, errno.ENOSYS):
            return 0
        raise
    finally:
        os.close(fd)
    return int(struct.unpack("=Q", answer)[0])


def processes_of(mntns: tuple[int, int], ns_id: int, proc: str = "/proc") -> list[int]:
    """The processes of the mount namespace ``mntns`` (device, inode) whose id is
    ``ns_id``: a safe identity long after it was recorded, since an inode number
    can be reused once the namespace is gone, but the id cannot."""
    out = []
    for pid in processes_in_mntns(mntns, proc):
        with contextlib.suppress(OSError):
            if mntns_id(pid, proc) == ns_id:
                out.append(pid)
    return out


def kill_left_behind(mntns: tuple[int, int], ns_id: int, proc: str = "/proc") -> int:
    """SIGKILL what is left of a container whose monitor died (and its init with
    it): the processes of the recorded mount namespace, found by its id (never
    by the inode alone); how many there were."""
    if not ns_id:
        return 0
    found = 0
    for _ in range(_KILL_ROUNDS):
        pids = processes_of(mntns, ns_id, proc)
        if not pids:
            break
        found += len(pids)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
    return found


def kill_all(mntns: tuple[int, int], proc: str = "/proc") -> None:
    """SIGKILL every process of the mount namespace, again until none is left
    (one may fork while we go through the list); what a pid namespace's end does."""
    for _ in range(_KILL_ROUNDS):
        pids = processes_in_mntns(mntns, proc)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)


def is_pidns_init(pid: int, proc: str = "/proc") -> bool:
    """Whether the process is PID 1 of its own pid namespace (its innermost pid).

    A container's init is, unless it joined another's pid namespace or stayed
    in its monitor's: then its processes are found by mount namespace.
    """
    with open(f"{proc}/{pid}/status") as f:
        for line in f:
            if line.startswith("NSpid:"):
                return line.split()[-1] == "1"
    return False

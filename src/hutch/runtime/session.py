"""The session user namespace: one per user, held open by a tiny process.

Every hutch command that touches storage or starts a container joins this
namespace with ``setns`` (cheap), instead of mapping ids afresh (slow, and
files owned by subordinate ids could not be shared between commands). The
holder is ``sleep infinity`` exec'd inside the new namespace: under 1 MB of
memory and nothing to maintain. Its pid and start time are recorded so that a
recycled pid is never mistaken for it.

Containers outlive a holder that is killed: their monitors stay in the old
namespace, which a new one could not reach (exec, cp, and rm of files owned
by subordinate ids would fail with EPERM). So a missing holder is replaced by
one that *joins* the namespace of a live monitor, as podman joins a conmon's;
only without any live container is a new namespace made. Each holder carries
``HUTCH_SESSION=<runtime dir>`` in its environment, so that one whose pid file
was lost or garbled is found again instead of leaked.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import HostNotReady
from hutch.config.paths import Paths, ensure_private_dir
from hutch.linux import hostcheck, procfs, syscalls
from hutch.runtime.ids import IdMapEntry, IdRange, parse_map, session_map, subordinate_ranges

SUBUID = Path("/etc/subuid")
# The holder's one environment variable: the runtime dir it holds the session of.
_MARKER = "HUTCH_SESSION"
SUBGID = Path("/etc/subgid")


def _sleep_command() -> str:
    """The holder's program. shutil only here: joining a live holder (what most
    commands and the API service's start do) never needs it, nor its bz2 and lzma."""
    import shutil

    return shutil.which("sleep") or "/bin/sleep"


@dataclass(frozen=True)
class SessionState:
    """What a command knows after joining (or deciding not to need) the session."""

    mode: str  # "root" (real root, no namespace), "subids" or "single-id"
    holder_pid: int | None
    uid_map: tuple[IdMapEntry, ...]
    gid_map: tuple[IdMapEntry, ...]
    warning: str | None = None


@dataclass(frozen=True)
class _Holder:
    pid: int
    start_time: str
    mode: str


def _start_time(pid: int) -> str | None:
    return procfs.start_time(pid) or None


def _read_holder(paths: Paths) -> _Holder | None:
    try:
        pid_s, start, mode = paths.session_pid.read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_s)
    if _start_time(pid) != start:
        return None
    return _Holder(pid, start, mode)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def host_ranges(uid: int) -> tuple[tuple[IdRange, ...], tuple[IdRange, ...]]:
    name = _user_name(uid)
    return subordinate_ranges(SUBUID, name, uid), subordinate_ranges(SUBGID, name, uid)


class Session:
    """Creates, joins and stops the session namespace of one user."""

    def __init__(self, paths: Paths) -> None:
        self._paths = paths

    def inside(self) -> bool:
        """Already in the session namespace (``hutch unshare``), or root without one."""
        if os.geteuid() == 0 and not _in_user_namespace():
            return True
        holder = _read_holder(self._paths)
        return holder is not None and _same_user_namespace(holder.pid)

    def enter(self) -> SessionState:
        """Join the session namespace, creating it first if needed."""
        holder = _read_holder(self._paths)
        if holder is not None and _same_user_namespace(holder.pid):
            return self._state(holder)  # already inside, e.g. under `hutch unshare`
        if os.geteuid() == 0 and not _in_user_namespace():
            return SessionState(
                "root",
                None,
                parse_map(_read("/proc/self/uid_map")),
                parse_map(_read("/proc/self/gid_map")),
            )
        user = _user_name(os.getuid())  # before joining: then our uid reads 0
        if holder is None:
            holder = self._create_locked()
        self._join(holder)
        return self._state(holder, user)

    @staticmethod
    def _state(holder: _Holder, user: str | None = None) -> SessionState:
        name = user or os.environ.get("USER") or "$USER"
        uid_map = parse_map(_read("/proc/self/uid_map"))
        gid_map = parse_map(_read("/proc/self/gid_map"))
        if holder.mode == "single-id":
            warning: str | None = _single_id_warning(name)
        else:
            # The map is 0 -> the user, then the subordinate ids: a range too
            # small for ``nobody`` is said here, before a pull or run meets it
            # as a failed chown deep in a layer.
            warning = hostcheck.small_range_warning(
                sum(e.count for e in uid_map) - 1, sum(e.count for e in gid_map) - 1, name
            )
        return SessionState(holder.mode, holder.pid, uid_map, gid_map, warning)

    def stop(self) -> bool:
        """Kill the holder (``system migrate``); the next command makes a new one."""
        import signal  # its enums: not on the path of every command

        holder = _read_holder(self._paths)
        self._paths.session_pid.unlink(missing_ok=True)
        if holder is None:
            return False
        try:
            os.kill(holder.pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        # SIGKILL is asynchronous: return once it is gone, so that whoever
        # asked (system migrate/reset) can rely on it.
        deadline = time.monotonic() + 5
        while _start_time(holder.pid) == holder.start_time and time.monotonic() < deadline:
            time.sleep(0.005)
        return True

    def holder_pid(self) -> int | None:
        holder = _read_holder(self._paths)
        return holder.pid if holder else None

    def _create_locked(self) -> _Holder:
        try:
            return self._create_locked_in_runtime()
        except OSError as exc:
            # The first write of a command into the runtime dir: when that
            # small tmpfs is full, name it and its fix (not the store's disk).
            if exc.errno == errno.ENOSPC:
                full = _full_runtime_dir()
                if full is not None:
                    raise HostNotReady(
                        f"no space left on device: {full.value}", hint=f"fix: {full.fix}"
                    ) from None
            raise

    def _create_locked_in_runtime(self) -> _Holder:
        ensure_private_dir(self._paths.runtime)
        with _flock(self._paths.session_lock):
            holder = _read_holder(self._paths)
            if holder is not None:
                return holder
            holder = self._find_holder() or self._adopt() or self._create()
            tmp = self._paths.session_pid.with_suffix(".tmp")
            tmp.write_text(f"{holder.pid} {holder.start_time} {holder.mode}\n")
            os.replace(tmp, self._paths.session_pid)
            return holder

    def _find_holder(self) -> _Holder | None:
        """A live holder of this runtime dir whose pid file was lost or garbled."""
        uid, marker = os.getuid(), f"{_MARKER}={self._paths.runtime}".encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.stat(f"/proc/{entry}").st_uid != uid:
                    continue
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if marker not in f.read().split(b"\0"):
                        continue
            except OSError:
                continue
            pid = int(entry)
            start = _start_time(pid)
            if start is not None:
                return _Holder(pid, start, _mode_of(pid))
        return None

    def _adopt(self) -> _Holder | None:
        """A new holder in the namespace of a live container's monitor, if any."""
        from hutch.runtime import state as st

        for state_file in self._paths.containers.glob("*/userdata/state.json"):
            try:
                state = st.read_state(state_file)
            except (OSError, ValueError, TypeError, KeyError):
                continue  # a broken record is reported by the commands that read it
            if not st.alive(state.monitor_pid, state.monitor_start):
                continue
            try:
                ns = os.open(f"/proc/{state.monitor_pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                return self._spawn_holder(ns, _mode_of(state.monitor_pid))
            except HostNotReady:
                continue
            finally:
                os.close(ns)
        return None

    def _spawn_holder(self, ns_fd: int, mode: str) -> _Holder:
        import signal  # its enums: not on the path of every command

        to_parent_r, to_parent_w = os.pipe()
        sleep = _sleep_command()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the holder
            os.close(to_parent_r)
            _joined_holder_main(to_parent_w, ns_fd, sleep, str(self._paths.runtime))
        os.close(to_parent_w)
        try:
            status = os.read(to_parent_r, 4096)
        finally:
            os.close(to_parent_r)
        start = _start_time(pid)
        if status != b"u" or start is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise HostNotReady(f"cannot join a container's user namespace: {status[1:]!r}")
        return _Holder(pid, start, mode)

    def _create(self) -> _Holder:
        import signal  # its enums: not on the path of every command

        uid, gid = os.getuid(), os.getgid()
        uid_ranges, gid_ranges = host_ranges(uid)
        # Missing, or present but not setuid (a copy, a nosuid mount): either
        # way a range cannot be mapped, and the warning of _state names it.
        tools_ok = hostcheck.map_tools_problem() is None
        mode = "subids" if uid_ranges and gid_ranges and tools_ok else "single-id"
        sleep = _sleep_command()
        to_parent_r, to_parent_w = os.pipe()
        to_child_r, to_child_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the holder
            os.close(to_parent_r)
            os.close(to_child_w)
            _holder_main(to_parent_w, to_child_r, sleep, str(self._paths.runtime))
        os.close(to_parent_w)
        os.close(to_child_r)
        try:
            status = os.read(to_parent_r, 1)
            if status != b"u":
                err = os.read(to_parent_r, 4096).decode(errors="replace")
                finding = hostcheck.userns()
                if not finding.ok:
                    raise HostNotReady(
                        f"cannot create a user namespace: {finding.value}",
                        hint=f"fix: {finding.fix}",
                    )
                raise HostNotReady(
                    f"cannot create a user namespace: {err or 'holder failed'}",
                    hint="unprivileged user namespaces may be disabled on this host",
                )
            if mode == "subids":
                _run_map_tool("newuidmap", pid, session_map(uid, uid_ranges))
                _run_map_tool("newgidmap", pid, session_map(gid, gid_ranges))
            else:
                _write_single_map(pid, uid, gid)
            os.write(to_child_w, b"g")
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        finally:
            os.close(to_parent_r)
            os.close(to_child_w)
        start = _start_time(pid)
        if start is None:
            raise HostNotReady("the session namespace holder exited at once")
        return _Holder(pid, start, mode)

    @staticmethod
    def _join(holder: _Holder) -> None:
        fd = os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
        try:
            syscalls.setns(fd, syscalls.CLONE_NEWUSER)
        finally:
            os.close(fd)
        # Joining grants every capability in the namespace; become its root
        # explicitly so that files we create are owned by the mapped user.
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)


def _holder_main(
    to_parent: int, from_parent: int, sleep: str, runtime: str
) -> None:  # pragma: no cover
    """Child: new session, new user namespace, wait for the map, become ``sleep``."""
    try:
        os.setsid()
        try:
            syscalls.unshare(syscalls.CLONE_NEWUSER)
        except OSError as exc:
            os.write(to_parent, b"e" + str(exc).encode())
            os._exit(1)
        os.write(to_parent, b"u")
        if os.read(from_parent, 1) != b"g":
            os._exit(1)
        _become_sleep(sleep, runtime)
    finally:
        os._exit(1)


def _joined_holder_main(
    to_parent: int, ns_fd: int, sleep: str, runtime: str
) -> None:  # pragma: no cover
    """Child: new session, join an existing user namespace, become ``sleep``."""
    try:
        os.setsid()
        try:
            syscalls.setns(ns_fd, syscalls.CLONE_NEWUSER)
        except OSError as exc:
            os.write(to_parent, b"e" + str(exc).encode())
            os._exit(1)
        os.write(to_parent, b"u")
        _become_sleep(sleep, runtime)
    finally:
        os._exit(1)


def _become_sleep(sleep: str, runtime: str) -> None:  # pragma: no cover
    """Exec ``sleep infinity`` immune to the signals of a terminal, marked as the holder."""
    import signal  # its enums: not on the path of every command

    for sig in (
        signal.SIGINT,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGTERM,
        signal.SIGPIPE,
        signal.SIGTSTP,
        signal.SIGTTIN,
        signal.SIGTTOU,
    ):
        signal.signal(sig, signal.SIG_IGN)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 65536)
    os.chdir("/")
    os.execve(sleep, [sleep, "infinity"], {_MARKER: runtime})


def _mode_of(pid: int) -> str:
    """``subids`` or ``single-id``: what the user namespace of ``pid`` maps."""
    try:
        entries = parse_map(_read(f"/proc/{pid}/uid_map"))
    except OSError:
        return "subids"
    return "single-id" if sum(e.count for e in entries) <= 1 else "subids"


def _run_map_tool(tool: str, pid: int, entries: tuple[IdMapEntry, ...]) -> None:
    import subprocess  # only when a session is created

    args = [tool, str(pid)]
    for e in entries:
        args += [str(e.inside), str(e.outside), str(e.count)]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise HostNotReady(
            f"{tool} failed: {proc.stderr.strip() or proc.returncode}",
            hint="check /etc/subuid and /etc/subgid, or run `hutch system migrate`",
        )


def _write_single_map(pid: int, uid: int, gid: int) -> None:
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(f"0 {uid} 1\n")
    with open(f"/proc/{pid}/setgroups", "w") as f:
        f.write("deny\n")
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(f"0 {gid} 1\n")


def _single_id_warning(user: str) -> str:
    tools = hostcheck.map_tools_problem()
    if tools is not None:
        return (
            f"{tools.name}: {tools.value} (it maps the subordinate ids of {user}): only one "
            "id is mapped, so images with files owned by other users cannot be used fully; "
            f"fix: {tools.fix}, then `hutch system migrate`"
        )
    return (
        f"no subordinate id range for {user} in /etc/subuid and /etc/subgid: only one id "
        "is mapped, so images with files owned by other users cannot be used fully; fix: "
        f"`usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user}` "
        "then `hutch system migrate`"
    )


def _in_user_namespace() -> bool:
    """True when this process is not in the initial user namespace."""
    entries = parse_map(_read("/proc/self/uid_map"))
    return not (len(entries) == 1 and entries[0].count == 4294967295)


def _same_user_namespace(pid: int) -> bool:
    try:
        return os.stat(f"/proc/{pid}/ns/user").st_ino == os.stat("/proc/self/ns/user").st_ino
    except OSError:
        return False


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


@contextmanager
def _flock(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _full_runtime_dir() -> hostcheck.Finding | None:
    """XDG_RUNTIME_DIR's finding when it is the filesystem that is full."""
    uid = os.getuid()
    finding = hostcheck.runtime_dir(os.environ, uid, f"/tmp/hutch-{uid}")
    return None if finding.ok or " is full " not in finding.value else finding

"""The per-container monitor: a small exec'd process, parent of the container.

    python -S -m hutch.runtime.monitor --bundle DIR --attach SOCK [...]

It mounts the rootfs in a mount namespace of its own, forks the container
init into a new pid namespace (or into the one it joins, a pod's:
``runtime/pidshare.py``), and then, for the container's whole life:
owns its stdio (pipes, or the terminal master; with ``--log-driver
passthrough`` none: the caller's own streams go to the init, see ``streams``),
writes the log in k8s-file format, serves attach clients on a unix socket, records state
transitions in ``state.json``, applies the restart policy, and finally runs
the cleanup command when the container should be removed. It imports only
the standard library, the runtime modules the init needs and two small util
modules (the code cache, ``fdio``). A detached run that has started, between
its health checks and with no pause, is served by the
much smaller idle loop instead: the monitor execs ``runtime/idle.py`` (same
pid), which execs this back for the exit and rare requests (``resume_main``);
the bench measures the idle figure.
"""

from __future__ import annotations

import _socket
import contextlib
import json
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.cgroups import v2
from hutch.cgroups.manager import manager_of
from hutch.linux import syscalls as sc
from hutch.runtime import attachproto as ap
from hutch.runtime import freeze, pidshare
from hutch.runtime import monitorio as mio
from hutch.runtime import state as st
from hutch.runtime.command_start import Passed, send
from hutch.runtime.container import container_main
from hutch.runtime.events_log import append_events, event_line
from hutch.runtime.health_cmd import STARTING, UNHEALTHY
from hutch.runtime.logfile import PASSTHROUGH_DRIVERS, LogWriter
from hutch.runtime.monitorio import Stdio
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.restart import current as current_policy
from hutch.runtime.rootfs import mount_rootfs
from hutch.runtime.spec import Spec
from hutch.runtime.spec_io import spec_from_json, spec_to_json
from hutch.util.codecache import PROFILE_ENV
from hutch.util.jsondata import prepare

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import Any

    from hutch.runtime.health import HealthRunner  # loaded by containers with a check
    from hutch.runtime.nethelper import (  # loaded by containers with a network
        EarlyNetwork,
        PreparedAttach,
    )

STOP_MARKER = st.STOP_MARKER
_MAX_BACKOFF = 60.0
# How often the monitor looks whether the command holding a pause (commit) still lives.
HOLDER_POLL = 0.5
# The exit code of a run --timeout ended: conmon's, podman shows it as "Exited (-1)"
TIMED_OUT_EXIT_CODE = -1
# The small loop a detached run's monitor execs into once started (its docstring says why)
IDLE = "hutch.runtime.idle"
# Seconds of a run in the full monitor before that exec (see _run_once)
IDLE_AFTER = 1.0
# hutch's package directory: the idle loop imports its modules without the package's
# __init__ (monitorio.half_code says why)
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(mio.__file__)))


@dataclass(frozen=True)
class MonitorArgs:
    bundle: Path
    attach: str
    sync_fd: int
    gid5: bool
    restart: RestartPolicy
    cleanup: tuple[str, ...]
    detached: bool
    refresh: tuple[str, ...] = ()  # spawn.MonitorConfig's
    # event log path, container name, image, attributes (JSON), "rm" (spawn.MonitorConfig)
    events: tuple[str, ...] = ("", "", "")
    tied: bool = False  # the container dies when its attached caller does (a build's RUN)
    preserve_fds: int = 0  # our 3 .. 3+N-1 go to the first run's command (spawn.MonitorConfig)
    listen_fdnames: str | None = None  # socket activation: LISTEN_FDNAMES, and LISTEN_* set
    health_events: bool = True  # a health_status event after each check (spawn.MonitorConfig)
    streams: bool = False  # the caller sends the first run's stdio (spawn.MonitorConfig)
    argv: tuple[str, ...] = ()  # the options that made these (without --sync-fd)


def parse_args(argv: list[str]) -> MonitorArgs:
    values: dict[str, str] = {}
    flags: set[str] = set()
    given: list[str] = []
    i = 0
    while i < len(argv):
        name = argv[i].lstrip("-")
        if name in ("gid5",):
            flags.add(name)
            given.append(argv[i])
            i += 1
        else:
            values[name] = argv[i + 1]
            if name != "sync-fd":
                given += argv[i : i + 2]
            i += 2
    return MonitorArgs(
        bundle=Path(values["bundle"]),
        attach=values["attach"],
        sync_fd=int(values.get("sync-fd", "-1")),
        gid5="gid5" in flags,
        restart=RestartPolicy.parse(values.get("restart", "no")),
        cleanup=tuple(json.loads(values.get("cleanup", "[]"))),
        detached=values.get("detached") == "1",
        refresh=tuple(json.loads(values.get("refresh", "[]"))),
        events=tuple(json.loads(values.get("events", '["", "", ""]'))),
        tied=values.get("tied") == "1",
        preserve_fds=int(values.get("preserve-fds", "0")),
        listen_fdnames=json.loads(values["listen-fdnames"]) if "listen-fdnames" in values else None,
        health_events=values.get("health-events") != "0",
        streams=values.get("streams") == "1",
        argv=tuple(given),
    )


class Monitor:
    def __init__(self, args: MonitorArgs, spec: Spec, early: EarlyNetwork | None = None) -> None:
        self.args = args
        self.spec = spec
        # pasta started before the options came (spawn.EarlyNetwork), for the first
        # run's init to join its namespace; until ``_attach_network`` takes it
        self.early = early
        self.state_path = st.state_path(args.bundle)
        self.caller: socket.socket | None = None
        if args.sync_fd >= 0:
            os.set_inheritable(args.sync_fd, False)
            self.caller = socket.socket(fileno=args.sync_fd)
        log = spec.log
        self.io = Stdio(
            LogWriter(
                log.driver, log.path or str(args.bundle / "ctr.log"), log.max_size, log.max_files
            )
        )
        self.log = self.io.log
        self.clients = self.io.clients  # the same table: Stdio's
        # Each start begins afresh (restart count, health, exit code); the
        # file keeps the previous run's state until the first write below.
        self.state = st.RuntimeState()
        self.init_pid = 0
        self.cgroup: Path | None = None
        self.net_pids: list[int] = []
        # Helpers of ended runs told to go, not yet reaped (nethelper.holds_host_ports)
        self.net_dying: list[int] = []
        self.userns_fd = -1  # the container's own user namespace (--userns), if any
        # No pid namespace of our own: the init joins another's (or stays in ours)
        self.shares_pid = not pidshare.own_pidns(spec.namespaces)
        self.own_pidns = -1
        self.init_mntns: tuple[int, int] | None = None  # this run's, with shares_pid
        self.init_mntns_id = 0  # its unique id (state.json: what a dead monitor left)
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        check = spec.lifecycle.health
        self.health: HealthRunner | None = None
        if check is not None:
            # only here: the checks' exec code (runtime/exec.py, tty) was 1.4 ms of the
            # forked monitor's imports on its way to a run's options (issue 16)
            from hutch.runtime.health import HealthRunner

            self.health = HealthRunner(check, spec)
        self.health_waiters: list[_socket.socket] = []
        # --timeout: when (time.monotonic()) the current run is killed, and whether it was
        self.deadline: float | None = None
        self.timed_out = False
        # --health-on-failure=stop|restart: when the run's stop signal turns into SIGKILL
        self.kill_at: float | None = None
        self.health_restart = False  # the run ends by the restart action: start it again
        self.next_run = False  # the restart policy follows the run that ended
        # When (time.monotonic()) this run may go to the idle loop (runtime/idle.py)
        self.idle_at: float | None = None
        self.host_pid = 0
        self.oom_before = 0
        self.helper: object = None  # the rootfs's fuse-overlayfs, if any
        self.attacher: PreparedAttach | None = None  # the first run's, on user networks
        # --preserve-fds: how many of ours (from 3) the next run's command gets; the
        # first run only (they are closed once its init has them)
        self.passed = Passed(args.preserve_fds, args.listen_fdnames)
        # --log-driver passthrough: the caller's stdin, stdout and stderr for the first
        # run (``_receive_streams``), closed here once its init has them; the restart
        # policy's runs get /dev/null, as podman's (its caller has gone by then)
        self.streams: list[int] = []

    # -- life cycle --------------------------------------------------------

    def _signals(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for sig in mio.FORWARDED:
            signal.signal(sig, self._forward)

    def run(self) -> int:
        if self.args.streams and self.caller is not None:
            self.streams = _receive_streams(self.caller)
        if os.getsid(0) != os.getpid():
            os.setsid()
        self._signals()
        sc.unshare(sc.CLONE_NEWNS)
        if self.shares_pid:
            # In the caller's pid namespace: the inits our forkers leave are ours.
            pidshare.become_subreaper()
        else:
            # We are PID 1 of a pid namespace the caller made for us (owned by
            # the session user namespace). Each run of the container gets a
            # fresh namespace below ours: a pid namespace whose init has exited
            # accepts no new processes, so a restart could not reuse it.
            self.own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        self.host_pid = host_pid_of_self()
        try:
            self._setup_cgroup()
        except OSError as exc:
            return self._fail_before_start(f"creating the container's cgroup: {exc}")
        if self.spec.network.mode == "bridge":
            from hutch.runtime import nethelper

            # its imports while we mount and start the init (nethelper.PreparedAttach)
            self.attacher = nethelper.prepare_attach(self.spec)
        try:
            helper = self._mount_rootfs()
        except OSError as exc:
            self._remove_cgroup()
            return self._fail_before_start(f"mounting the root filesystem: {exc}")
        self.helper = helper
        os.chdir("/")
        listener = self._listen()
        # not fsync'd (nor the run's start below): on run's path, and moot after a
        # crash, which takes the monitor with it (issue 16; ``st.write_state``)
        self._set(
            durable=False,
            monitor_pid=self.host_pid,
            monitor_start=st.process_start_time(self.host_pid),
        )
        _write_pid(self.spec.lifecycle.conmon_pidfile, self.host_pid)
        _write_pid(self.spec.lifecycle.extra_conmon_pidfile, self.host_pid)
        if self.early is not None and not self.early.fits(self.spec):
            self.early.discard()  # not this container's network: the usual start
            self.early = None
        return self._carry_on(listener, helper, self._run_once(listener))

    def _carry_on(self, listener: socket.socket, helper: object, code: int) -> int:
        """After a run that ended with ``code``: the restart policy's runs, then the end."""
        while self.next_run:
            delay = min(_MAX_BACKOFF, 0.1 * (2 ** min(self.state.restart_count, 10)))
            if self.state.finished_at - self.state.started_at > 10:
                delay = 0.1  # it ran a while: start the back-off over
            if self._stop_requested_within(delay):
                self._set(restarting=False)
                break
            self._set(restart_count=self.state.restart_count + 1)
            self._write_etc_files()
            code = self._run_once(listener)
        listener.close()
        self._finish(helper)
        return code

    def resume(self, handoff: dict[str, Any]) -> int:
        """Take over from the idle loop (runtime/idle.py), which exec'd us back: for
        the init's exit (``status``) or a client's frame it does not serve."""
        self._signals()
        mio.unblock_forwarded()
        run = handoff["run"]
        self.host_pid, self.init_pid = int(run["host_pid"]), int(run["init_pid"])
        self.cgroup = Path(run["cgroup"]) if run["cgroup"] else None
        self.net_pids = [int(pid) for pid in run["net_pids"]]
        self.userns_fd, self.own_pidns = int(run["userns_fd"]), int(run["own_pidns"])
        mntns = run["init_mntns"]
        self.init_mntns = (int(mntns[0]), int(mntns[1])) if mntns else None
        self.init_mntns_id, self.oom_before = int(run["init_mntns_id"]), int(run["oom_before"])
        self.deadline = run["deadline"]
        if self.health is not None and run["health"] is not None:
            self.health.restore(run["health"])
        self.state = st.read_state(self.state_path)
        self.log.resume_partial(handoff["log"]["partial"])
        helper = _HandedOverHelper(int(run["helper"])) if run["helper"] else None
        self.helper = helper
        listener = socket.socket(fileno=int(handoff["listener"]))
        pipes = {int(fd): str(stream) for fd, stream in handoff["pipes"]}
        stdin_w, master = int(handoff["stdin_w"]), int(handoff["master"])
        mio.own([listener.fileno(), *pipes, stdin_w, master, self.userns_fd, self.own_pidns])
        for fd, pending in handoff["clients"]:
            client = socket.socket(fileno=int(fd))
            mio.own([client.fileno()])
            for kind, payload in self.io.adopt(client, pending):
                stdin_w = self._client_frame(client, kind, payload, stdin_w, master)
        exit_code: int | None = None
        if handoff["status"] is not None:
            exit_code = mio.exit_code_of(int(handoff["status"]))
            self._kill_the_rest()
        self.idle_at = time.monotonic() + IDLE_AFTER
        terminal = master if master >= 0 else None
        code = self._pump(listener, self.init_pid, pipes, stdin_w, terminal, exit_code)
        return self._carry_on(listener, helper, self._end_run(code))

    def _write_etc_files(self) -> None:
        """Before a run of the restart policy's: /etc/hosts and resolv.conf written
        anew from the host's files and settings as they are now, as podman's restart
        policy goes through its whole start; by the engine's command (spawn's
        ``refresh``: the monitor imports no engine code), else, or when it fails, the
        copies the start kept put back (runtime/etcfiles.py)."""
        if self.args.refresh:
            import subprocess  # restarts only: the idle loop the run execs drops it

            env = {k: v for k, v in os.environ.items() if k != PROFILE_ENV}
            if self.own_pidns >= 0:
                # ours, not the ended run's: its pid namespace takes no new process
                sc.setns(self.own_pidns, sc.CLONE_NEWPID)
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                done = subprocess.run(
                    self.args.refresh, env=env, stdin=subprocess.DEVNULL, timeout=60
                )
                if done.returncode == 0:
                    return
        from hutch.runtime.etcfiles import restore_started

        restore_started(self.args.bundle)

    def _runs_again(self, code: int) -> bool:
        """Whether the run that ended with ``code`` is followed by another; kept in
        ``next_run`` and recorded (``restarting``) with the exit itself, so that no
        reader sees the container exited for good while a restart is coming."""
        forced, self.health_restart = self.health_restart, False
        if self.caller is not None:
            # An attached caller owns the run (and records its exit): never another,
            # so neither the stop marker nor the policy file is read on its way out.
            self.next_run = False
            return False
        stopped = (self.args.bundle / STOP_MARKER).exists()
        # update --restart may have changed the policy since this monitor began
        policy = current_policy(self.args.bundle, self.args.restart)
        self.next_run = (forced and not stopped) or policy.should_restart(
            code, self.state.restart_count, stopped
        )
        return self.next_run

    def _stop_requested_within(self, delay: float) -> bool:
        """Sleep out a restart back-off, waking early when a stop is requested.

        ``hutch stop`` of a container between two runs only leaves the marker:
        polling it keeps a back-off of up to a minute from delaying the stop.
        """
        marker = self.args.bundle / STOP_MARKER
        deadline = time.monotonic() + delay
        while not marker.exists():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, 0.05))
        return True

    def _unlist_pod_member(self) -> None:
        """A pod member's name leaves the pod's /etc/hosts when it exits (as podman)."""
        if self.spec.pod_hosts.path:
            from hutch.runtime.etcfiles import unlist_pod_member  # pod members only

            with contextlib.suppress(OSError):
                unlist_pod_member(self.spec.pod_hosts.path, self.spec.pod_hosts.name)

    def _fail_before_start(self, message: str) -> int:
        self._discard_attacher()
        self._unlist_pod_member()
        self._set(status=st.EXITED, exit_code=125, error=message, finished_at=time.time())
        if self.caller is not None:
            send(self.caller, {"error": message, "code": 125})
        return 125

    def _setup_cgroup(self) -> None:
        """The container's cgroup and limits, made before the init exists (it joins it)."""
        res = self.spec.resources
        self.cgroup = manager_of(res).create(res, self.spec.id, self.host_pid)
        if self.cgroup is not None and res.parent != str(self.cgroup.parent):
            # A systemd scope: tell the init where its cgroup is.
            resources = replace(res, parent=str(self.cgroup.parent))
            self.spec = replace(self.spec, resources=resources)

    def _mount_rootfs(self) -> object:
        """The rootfs; with ``--userns`` first the container's user namespace."""
        self.userns_fd = -1
        if not self.spec.userns.enabled:
            return mount_rootfs(self.spec.rootfs)
        from hutch.runtime import userns  # only containers with their own namespace

        self.userns_fd = userns.open_userns(self.spec)
        helper = userns.mount_shifted_rootfs(self.spec.rootfs, self.spec.userns)
        self.spec = userns.reach_bind_sources(self.spec)
        return helper

    def _fork_init(self) -> int:
        """Fork the init into a new pid namespace (and the container's user namespace),
        or into the pid namespace it joins."""
        if self.shares_pid:
            enter: Callable[[], None] | None = None
            if self.userns_fd >= 0:  # a pod's user namespace, which owns its pid namespace
                from hutch.runtime import userns

                spec, fd = self.spec, self.userns_fd

                def enter() -> None:
                    userns.enter(spec, fd)

            return pidshare.fork_init(pidshare.joined_pidns(self.spec.joins), enter)
        if self.userns_fd < 0:
            sc.unshare(sc.CLONE_NEWPID)
            return os.fork()
        from hutch.runtime import userns

        return userns.fork_init(self.spec, self.userns_fd)

    def _gid5(self) -> bool:
        if not self.spec.userns.enabled:
            return self.args.gid5
        from hutch.runtime import userns

        return userns.gid5_mapped(self.spec.userns)

    def _remove_cgroup(self) -> None:
        if self.cgroup is not None:
            with contextlib.suppress(OSError):
                v2.remove(self.cgroup)

    def _oom_kills(self) -> int:
        return v2.oom_kills(self.cgroup) if self.cgroup is not None else 0

    def _finish(self, helper: object) -> None:
        self._remove_cgroup()
        self._unlist_pod_member()
        if helper is not None:
            helper.terminate()  # type: ignore[attr-defined]
            helper.wait()  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            sc.umount2(self.spec.rootfs.target, sc.MNT_DETACH)
        if self.caller is not None:
            # The attached caller records the exit and removes the container;
            # wait until it is done with us (or gone).
            with contextlib.suppress(OSError):
                while self.caller.recv(16):
                    pass
            self.caller.close()  # it waits for this end (spawn.finish), not for the reap
            self.caller = None
            self._reap_dying()
            return
        self._reap_dying()
        if self.args.cleanup:
            os.environ.pop(PROFILE_ENV, None)  # the cleanup is a CLI command, not a monitor
            os.execvp(self.args.cleanup[0], list(self.args.cleanup))

    def _listen(self) -> socket.socket:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.args.attach)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        listener.bind(self.args.attach)
        listener.listen(16)
        return listener

    def _set(self, *, durable: bool = True, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        st.write_state(self.state_path, self.state, durable=durable)

    def _forward(self, sig: int, _frame: object) -> None:
        if self.init_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.init_pid, sig)

    # -- one run of the container -----------------------------------------

    def _run_once(self, listener: socket.socket) -> int:
        self._reap_dying()  # the previous run's helpers (gone during the back-off, mostly)
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        proc = self.spec.process
        pipes: dict[int, str] = {}
        stdin_w = -1
        child_fds: list[tuple[int, int]] = []
        if self.spec.log.driver in PASSTHROUGH_DRIVERS and not proc.terminal:
            # no pipes: the monitor neither reads nor relays a passthrough container's
            child_fds = list(zip(self._take_streams(), (0, 1, 2), strict=True))
        elif not proc.terminal:
            out_r, out_w = os.pipe2(os.O_CLOEXEC)
            err_r, err_w = os.pipe2(os.O_CLOEXEC)
            pipes = {out_r: "stdout", err_r: "stderr"}
            child_fds = [(out_w, 1), (err_w, 2)]
            if proc.stdin:
                in_r, stdin_w = os.pipe2(os.O_CLOEXEC)
                child_fds.append((in_r, 0))
        if self.own_pidns >= 0:
            sc.setns(self.own_pidns, sc.CLONE_NEWPID)
        self.init_mntns, self.init_mntns_id = None, 0
        netns = self.early.netns if self.early is not None else -1
        try:
            pid = self._fork_init()
        except OSError as exc:
            self._close_fds([*pipes, *(src for src, _dst in child_fds)], stdin_w, None)
            a.close()
            b.close()
            return self._fail_before_start(f"starting the container: {exc}")
        if pid == 0:  # pragma: no cover - the container init
            a.close()
            for src, dst in child_fds:
                os.dup2(src, dst)  # dup2 clears close-on-exec on the target
            if not proc.terminal and all(dst != 0 for _src, dst in child_fds):
                null = os.open("/dev/null", os.O_RDONLY)
                os.dup2(null, 0)
            container_main(self.spec, b, self._gid5(), self.passed, netns)
        b.close()
        if self.own_pidns >= 0:
            # Back to ours (the init's fork unshared a pid namespace for our children):
            # what we fork next, a health check's joiner, belongs in our namespace, where
            # the pid its fork returns is the one we kill at the check's timeout. (pasta
            # started by _attach_network did this first; one started early does not.)
            sc.setns(self.own_pidns, sc.CLONE_NEWPID)
        if self.passed.count:  # the init has them now; a restart's command does not
            os.closerange(3, 3 + self.passed.count)
            self.passed = Passed()
        for src, _dst in child_fds:
            os.close(src)
        self.init_pid = pid
        # A forker's init (shares_pid) is numbered in our namespace, the host's.
        host_pid = pid if self.shares_pid else host_pid_of_child(self.host_pid, pid)
        master, error = self._handshake(a, host_pid)
        a.close()
        self._discard_attacher()  # unused if the init failed before its network
        if self.early is not None:  # joined (--network none), or the init failed before
            self.early.discard()  # the first run's only
            self.early = None
        if error is not None:
            code, message = error
            _, _status = os.waitpid(pid, 0)
            self._detach_network()
            self._set(
                status=st.EXITED,
                exit_code=code,
                error=message,
                finished_at=time.time(),
                restarting=self._runs_again(code),
            )
            self._close_fds(list(pipes), stdin_w, master)
            return code
        self._set(
            durable=False,
            status=st.RUNNING,
            restarting=False,
            pid=host_pid,
            pid_start=st.process_start_time(host_pid),
            started_at=time.time(),
            exit_code=0,
            error="",
            finished_at=0.0,
            mntns=self.init_mntns or (0, 0),
            mntns_id=self.init_mntns_id,
        )
        _write_pid(self.spec.lifecycle.pidfile, host_pid)
        self._health_begin(host_pid)
        limit = self.spec.lifecycle.timeout
        self.deadline = time.monotonic() + limit if limit > 0 else None
        self.timed_out = False
        self.kill_at = None
        self.oom_before = self._oom_kills()
        if self.caller is not None:
            # The start a caller asked for (a restart of the policy's has none, as
            # podman's): logged here, not by the caller once "exec" reaches it, so
            # that a command quick to exit cannot have its "died" logged first.
            # podman's order: init (unless `hutch init` logged it), start, then attach
            # when a caller is attached
            events: list[tuple[str, dict[str, str]]] = [("start", {})]
            try:
                (self.args.bundle / st.INIT_MARKER).unlink()
            except FileNotFoundError:
                events.insert(0, ("init", {}))
            if not self.args.detached:
                events.append(("attach", {}))
            self._events(events)
            send(self.caller, {"exec": True})
            if self.args.detached:
                # A detached caller hangs up now; the monitor is on its own.
                self.caller.close()
                self.caller = None
        # Not at once: a command just started may have clients coming, or a
        # quick exit; and the exec's CPU should not compete with the caller's.
        self.idle_at = time.monotonic() + IDLE_AFTER
        code = self._pump(listener, pid, pipes, stdin_w, master)
        return self._end_run(code)

    def _take_streams(self) -> list[int]:
        """The streams of this run's passthrough init (the caller's; /dev/null when
        there are none: a run of the restart policy's); its caller closes them."""
        streams, self.streams = self.streams, []
        if len(streams) == 3:
            return streams
        return [os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC) for _ in range(3)]

    def _event(self, action: str, **extra: str) -> None:
        """One container event in the log (none without a log path)."""
        self._events([(action, extra)])

    def _events(self, events: Sequence[tuple[str, dict[str, str]]]) -> None:
        """Container events (action, extra attributes) in the log in this order, through
        one open of it (none without a log path)."""
        path, name, image = self.args.events[:3]
        if not path:
            return
        with contextlib.suppress(OSError):  # renamed while it runs: podman's new name
            name = (self.args.bundle / st.RENAMED).read_text() or name
        attributes = json.loads(self.args.events[3]) if len(self.args.events) > 3 else {}
        lines = [
            event_line("container", action, self.spec.id, name, image, {**attributes, **extra})
            for action, extra in events
        ]
        append_events(path, lines)

    def _end_run(self, code: int) -> int:
        """Record the end of the run (its exit ``code``), tell the clients, log the events."""
        if self.timed_out:
            code = TIMED_OUT_EXIT_CODE
        self.deadline = None
        self._detach_network()
        self.log.flush()
        self._health_end()
        # fsync'd once the clients are told (below): `stop` and an attached `run` wait
        # for the EXIT frame, not for the disk (issue 16)
        self._set(
            durable=False,
            status=st.EXITED,
            exit_code=code,
            finished_at=time.time(),
            pid=0,
            pause_method="",
            paused_by=0,
            paused_by_start="",
            mntns=(0, 0),  # its processes went with it (_kill_the_rest)
            mntns_id=0,
            oom_killed=self._oom_kills() > self.oom_before,
            # `hutch stop` leaves the marker before it signals, so it is there
            # when the run ends by that stop (and never when it ends by itself).
            stopped_by_user=(self.args.bundle / STOP_MARKER).exists(),
            restarting=self._runs_again(code),
        )
        events: list[tuple[str, dict[str, str]]] = []
        if self.state.oom_killed:  # Docker's order: oom, then the death
            events.append(("oom", {}))
        events.append(("died", {"exitCode": str(code)}))
        if self.args.events[4:5] != ("rm",):  # podman's: a container that stays is cleaned up
            events.append(("cleanup", {}))
        self._events(events)
        for client in list(self.clients):
            self._send(client, ap.EXIT, str(code).encode())
        for client in list(self.clients):
            client.close()
        self.clients.clear()
        # A volatile root is a --rm container's (engine/containers.py), removed once
        # this run ends (by its attached caller, which waits for us, or our cleanup;
        # a `hutch restart` records its new run over it): its exit record need not
        # reach the disk first, and its rootfs never does.
        if not self.spec.rootfs.volatile:
            st.sync_state(self.state_path)
        self.init_pid = 0
        return code

    def _attach_network(self, host_pid: int) -> str | None:
        """Start this run's network helper (pasta, slirp4netns); an error message or None."""
        if self.spec.network.mode not in ("private", "bridge"):
            return None
        from hutch.runtime import nethelper  # only containers with a network pay for it

        if self.early is not None:  # started already, on the namespace the init joined
            early, self.early = self.early, None
            try:
                self.net_pids = [early.take()]
            except nethelper.NetworkAttachError as exc:
                return str(exc)
            return None

        if self.spec.network.mode == "bridge":
            # network connect/disconnect rewrite the bundle: each run takes the latest
            with contextlib.suppress(OSError, ValueError):
                fresh = spec_from_json((self.args.bundle / "config.json").read_bytes())
                self.spec = replace(self.spec, network=fresh.network)

        # The helper belongs in our pid namespace, not in the container's.
        if self.own_pidns >= 0:
            sc.setns(self.own_pidns, sc.CLONE_NEWPID)
        prepared, self.attacher = self.attacher, None
        try:
            self.net_pids = nethelper.attach(
                self.spec.network,
                host_pid,
                self.args.bundle,
                self.args.attach + ".net",
                self.init_pid,
                prepared,
            )
        except (nethelper.NetworkAttachError, OSError) as exc:
            return str(exc)
        return None

    def _discard_attacher(self) -> None:
        """The first run's attach helper, where that run never got to its network."""
        if self.attacher is not None:
            prepared, self.attacher = self.attacher, None
            prepared.discard()

    def _detach_network(self) -> None:
        if self.spec.network.mode == "bridge":
            from hutch.runtime import nethelper

            nethelper.release(self.spec.network)
        if self.net_pids:
            from hutch.runtime import nethelper

            nethelper.stop(self.net_pids)
            if nethelper.holds_host_ports(self.spec.network):
                nethelper.reap(self.net_pids)  # the ports are free when the exit is told
            else:
                # Its exit (the kernel's removal of the tap device) is off the caller's
                # path: reaped once the caller is let go, or before the next run.
                self.net_dying += self.net_pids
            self.net_pids = []
            with contextlib.suppress(OSError):
                os.unlink(self.args.attach + ".net")  # slirp4netns's API socket

    def _reap_dying(self) -> None:
        if self.net_dying:
            from hutch.runtime import nethelper

            nethelper.reap(self.net_dying)
            self.net_dying = []

    def _handshake(self, a: socket.socket, pid: int) -> tuple[int | None, tuple[int, str] | None]:
        if self.caller is not None:
            send(self.caller, {"pid": pid})
        master: int | None = None
        while True:
            data, fds, _f, _a = socket.recv_fds(a, 65536, 1)
            if not data:
                return master, None
            message = json.loads(data)
            if message.get("stage") == "namespaces":
                self._note_mntns(pid)
                failure = self._attach_network(pid)
                if failure is not None:
                    own = _reported(a)
                    os.kill(self.init_pid, signal.SIGKILL)
                    if own is not None:  # the init failed first (its mounts run meanwhile)
                        if self.caller is not None:
                            send(self.caller, own)
                        return master, (int(own["code"]), str(own["error"]))
                    if self.caller is not None:
                        send(self.caller, {"error": failure, "code": 125})
                    return master, (125, failure)
                go = b"go"
                if self.caller is not None:
                    send(self.caller, message)
                    go = self.caller.recv(64)  # "go" or "go ROWS COLS"
                    if not go.startswith(b"go"):
                        os.kill(self.init_pid, signal.SIGKILL)  # our namespace's pid
                # its mounts may have failed meanwhile: then its error is next here
                with contextlib.suppress(OSError):
                    a.send(go)
            elif "tty" in message and fds:
                master = fds[0]
                os.set_blocking(master, False)
            elif "error" in message:
                if self.caller is not None:
                    send(self.caller, message)
                return master, (int(message["code"]), str(message["error"]))

    def _pump(
        self,
        listener: socket.socket,
        pid: int,
        pipes: dict[int, str],
        stdin_w: int,
        master: int | None,
        exit_code: int | None = None,
    ) -> int:
        while True:
            if exit_code is not None and not pipes and master is None:
                # Nothing left to drain: the idle loop hands the exit over with its
                # output already closed, and a select would wait out its 0.2 s.
                break
            if exit_code is None and self._may_idle():
                self._go_idle(listener, pipes, stdin_w, master)
            readers: list[int | _socket.socket] = [listener, self.wake_r, *pipes, *self.clients]
            if master is not None:
                readers.append(master)
            if self.caller is not None and exit_code is None:
                readers.append(self.caller)  # an attached caller that hangs up detached
            readers += self.health.fds() if self.health is not None else []
            try:
                ready, _, _ = select.select(readers, [], [], self._select_timeout(exit_code))
            except InterruptedError:
                continue
            self._release_dead_holder()
            if self.caller is not None and self.caller in ready:
                self._caller_input(pid)
            if listener in ready:
                self._accept(listener)
            for client in [c for c in self.clients if c in ready]:
                stdin_w = self._client_input(client, stdin_w, master)
            for fd in [fd for fd in pipes if fd in ready]:
                if not self.io.relay(fd, pipes[fd]):
                    os.close(fd)
                    del pipes[fd]
            if master is not None and master in ready and not self.io.relay(master, "stdout"):
                os.close(master)
                master = None
            if self.wake_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.wake_r, 512)
            if exit_code is None:
                self._health_poll(ready)
                self._kill_when_timed_out(pid)
                self._kill_when_stop_overdue(pid)
            if exit_code is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    exit_code = mio.exit_code_of(status)
                    self._kill_the_rest()
            if exit_code is not None and not ready:
                break  # output drained (the pid namespace is gone, writers too)
        self._close_fds(list(pipes), stdin_w, master)
        return exit_code

    def _note_mntns(self, host_pid: int) -> None:
        """Sharing a pid namespace: the init's mount namespace (final once it said
        "namespaces") is what tells the container's processes from the pod's."""
        if not self.shares_pid:
            return
        with contextlib.suppress(OSError):
            theirs = pidshare.mntns_of(host_pid)
            if theirs != pidshare.mntns_of(self.host_pid):  # never ourselves
                self.init_mntns = theirs
                self.init_mntns_id = pidshare.mntns_id(host_pid)

    def _kill_the_rest(self) -> None:
        """The init exited: its processes go too, as with the end of a pid namespace."""
        if self.init_mntns is not None:
            pidshare.kill_all(self.init_mntns)

    def _kill_when_timed_out(self, pid: int) -> None:
        """--timeout: the run's time is up, SIGKILL its init (the pid namespace goes with it)."""
        if self.deadline is None or self.timed_out or time.monotonic() < self.deadline:
            return
        self.timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def _kill_when_stop_overdue(self, pid: int) -> None:
        """The stop timeout of a health action's stop has passed: SIGKILL, as ``hutch stop``."""
        if self.kill_at is None or time.monotonic() < self.kill_at:
            return
        self.kill_at = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def _caller_input(self, pid: int) -> None:
        """The attached caller said nothing until the exit: a hang-up is a detach.

        Then the container is on its own, as after ``run -d``: the restart
        policy applies and ``--rm`` is done by our cleanup, not the caller.
        A tied container (a build's RUN step) is killed instead: its build
        is gone (killed), and nobody would list or stop the step.
        """
        assert self.caller is not None
        try:
            data = self.caller.recv(64)
        except OSError:
            data = b""
        if not data:
            self.caller.close()
            self.caller = None
            if self.args.tied:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def _accept(self, listener: socket.socket) -> None:
        self.io.accept(listener)

    def _client_input(self, client: _socket.socket, stdin_w: int, master: int | None) -> int:
        """Serve one client's frames; the container's stdin pipe afterwards (-1 once
        closed: ``Stdio.input``)."""
        for kind, payload in self.io.read(client) or []:
            stdin_w = self._client_frame(client, kind, payload, stdin_w, master)
        return stdin_w

    def _client_frame(
        self, client: _socket.socket, kind: int, payload: bytes, stdin_w: int, master: int | None
    ) -> int:
        if kind in ap.CONTROL:
            self._control(client, kind, payload)
            return stdin_w
        return self.io.input(
            kind, payload, stdin_w, master if master is not None and master >= 0 else None
        )

    # -- the idle loop (runtime/idle.py) -----------------------------------

    def _may_idle(self) -> bool:
        """Whether this run has nothing the idle loop leaves to us: no caller, health
        check running or asked for, pending stop or pause (the idle loop wakes us for
        the next check and the --timeout: ``_wake_at``)."""
        health = self.health
        return (
            self.idle_at is not None
            and self.caller is None
            and (health is None or (health.current is None and not self.health_waiters))
            and not self.timed_out
            and self.kill_at is None
            and not self.health_restart  # a health action's stop under way (its SIGKILL sent)
            and self.state.status == st.RUNNING
        )

    def _wake_at(self) -> float | None:
        """When (time.monotonic(), the same clock after an exec) the idle loop must give
        the run back: the next health check, the --timeout."""
        times = [self.deadline] if self.deadline is not None else []
        if self.health is not None and self.health.due is not None:
            times.append(time.monotonic() + self.health.due - time.time())
        return min(times, default=None)

    def _go_idle(
        self, listener: socket.socket, pipes: dict[int, str], stdin_w: int, master: int | None
    ) -> None:
        """Exec the idle loop once the idle time has come (returns if it is not yet,
        or if the exec failed: then this monitor serves the run to its end)."""
        assert self.idle_at is not None
        now = time.monotonic()
        if now < self.idle_at:
            return
        wake_at = self._wake_at()
        if wake_at is not None and wake_at - now < IDLE_AFTER:
            # Woken again at once: stay for the check (or timeout), try again after.
            self.idle_at = now + IDLE_AFTER
            return
        self.idle_at = None
        helper = getattr(self.helper, "pid", 0)
        run = {
            "host_pid": self.host_pid,
            "init_pid": self.init_pid,
            "cgroup": str(self.cgroup) if self.cgroup is not None else "",
            "net_pids": self.net_pids,
            "userns_fd": self.userns_fd,
            "own_pidns": self.own_pidns,
            "init_mntns": list(self.init_mntns) if self.init_mntns is not None else None,
            "init_mntns_id": self.init_mntns_id,
            "oom_before": self.oom_before,
            "helper": helper,
            "deadline": self.deadline,
            "health": self.health.snapshot() if self.health is not None else None,
        }
        log = self.log
        handoff: dict[str, object] = {
            "argv": self.args.argv,
            "spec": spec_to_json(self.spec),
            "bundle": str(self.args.bundle),
            "run": run,
            "init_pid": self.init_pid,
            "log": {
                "driver": log.driver,
                "path": log.path,
                "max_size": log.max_size,
                "max_files": log.max_files,
                "partial": log.pending_partial(),
            },
            "listener": listener.fileno(),
            "clients": [[c.fileno(), r.pending()] for c, r in self.clients.items()],
            "pipes": [[fd, stream] for fd, stream in pipes.items()],
            "stdin_w": stdin_w,
            "master": master if master is not None else -1,
            "keep": [fd for fd in (self.userns_fd, self.own_pidns) if fd >= 0],
            "status": None,
            "wake_at": wake_at,
        }
        keep = [listener.fileno(), *pipes, *(c.fileno() for c in self.clients)]
        keep += [stdin_w, master if master is not None else -1, self.userns_fd, self.own_pidns]
        cache_bytecode(IDLE)
        with contextlib.suppress(mio.Refused):  # an upgraded hutch: we serve the run on
            mio.exec_half(IDLE, "main", handoff, [fd for fd in keep if fd >= 0], PACKAGE_DIR)

    # -- pause and health checks: control frames (runtime/control.py) -------

    def _control(self, client: _socket.socket, kind: int, payload: bytes = b"") -> None:
        status = self.state.status
        if kind == ap.HEALTHCHECK:
            if self.health is None:
                self._reply(client, {"error": "no health check is defined", "code": 125})
            elif status != st.RUNNING:
                self._reply(client, {"error": f"the container is {status}", "code": 125})
            else:
                self.health_waiters.append(client)  # answered when the check ends
                self.health.run_now(time.time())
            return
        if kind == ap.SIGNAL:
            if self.init_pid and status in (st.RUNNING, st.PAUSED):
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(self.init_pid, int(payload))
            self._reply(client, {"status": status})
            return
        want = st.RUNNING if kind == ap.PAUSE else st.PAUSED
        if status != want:
            verb = "pause" if kind == ap.PAUSE else "unpause"
            self._reply(client, {"error": f"cannot {verb}: the container is {status}"})
            return
        if kind == ap.PAUSE:
            holder, holder_start = _holder(payload)
            cgroup = str(self.cgroup) if self.cgroup is not None else None
            self._set(
                status=st.PAUSED,
                pause_method=freeze.pause(self.state.pid, cgroup),
                paused_by=holder,
                paused_by_start=holder_start,
            )
        else:
            self._resume()
        self._reply(client, {"status": self.state.status})

    def _resume(self) -> None:
        cgroup = str(self.cgroup) if self.cgroup is not None else None
        freeze.resume(self.state.pid, self.state.pause_method, cgroup)
        self._set(status=st.RUNNING, pause_method="", paused_by=0, paused_by_start="")

    def _release_dead_holder(self) -> None:
        """Resume a pause whose holding command died (a killed commit)."""
        state = self.state
        held = state.status == st.PAUSED and state.paused_by
        if held and not st.alive(state.paused_by, state.paused_by_start):
            self._resume()

    def _reply(self, client: _socket.socket, answer: dict[str, object]) -> None:
        self._send(client, ap.REPLY, json.dumps(answer).encode())

    def _select_timeout(self, exit_code: int | None) -> float | None:
        if exit_code is not None:
            return 0.2
        timeout = self.health.timeout(time.time()) if self.health is not None else None
        if self.deadline is not None and not self.timed_out:
            left = max(0.0, self.deadline - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        if self.kill_at is not None:
            left = max(0.0, self.kill_at - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        if self.idle_at is not None and self._may_idle():
            left = max(0.0, self.idle_at - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        if self.state.paused_by:
            # A held pause: look at its holder every half second.
            timeout = HOLDER_POLL if timeout is None else min(timeout, HOLDER_POLL)
        return timeout

    def _health_begin(self, host_pid: int) -> None:
        if self.health is not None:
            self.health.begin(host_pid, time.time())
            self._set(health=st.Health(status=STARTING))

    def _health_poll(self, ready: Sequence[object]) -> None:
        if self.health is None:
            return
        paused = self.state.status == st.PAUSED
        before = self.state.health.status
        result = self.health.poll(time.time(), ready, self.state.health, paused)
        if result is None:
            return
        self._set(health=result.health)
        # podman's, every check's (not only a change's): the status after it, before
        # any --health-on-failure action; none with containers.conf's
        # healthcheck_events = false
        if self.args.health_events:
            self._event("health_status", health_status=result.health.status)
        if result.startup_failed:
            self._health_action("restart")  # --health-startup-retries ran out
        elif result.health.status == UNHEALTHY and before != UNHEALTHY:
            self._health_action(self.health.check.on_failure)
        answer = {"status": result.health.status, "exit_code": result.exit_code}
        for client in self.health_waiters:
            self._reply(client, {**answer, "output": result.output})
        self.health_waiters.clear()

    def _health_action(self, action: str) -> None:
        """--health-on-failure, on the turn to unhealthy: kill (the restart policy
        applies, as after ``hutch kill``), stop (as ``hutch stop``: no restart), or
        restart (a stop, then a new run whatever the policy, counted in RestartCount,
        as podman's; also when the startup check has failed its retries). An attached
        caller owns the run: it ends, and is not restarted."""
        if action == "none" or not self.init_pid or self.kill_at is not None:
            return
        if action == "kill":
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.init_pid, signal.SIGKILL)
            return
        if action == "stop":
            (self.args.bundle / STOP_MARKER).touch()
        else:
            self.health_restart = True
        lifecycle = self.spec.lifecycle
        self.kill_at = time.monotonic() + lifecycle.stop_timeout
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.init_pid, lifecycle.stop_signal)

    def _health_end(self) -> None:
        if self.health is not None:
            self.health.end()
        for client in self.health_waiters:
            self._reply(client, {"error": "the container exited", "code": 125})
        self.health_waiters.clear()

    def _send(self, client: _socket.socket, kind: int, payload: bytes) -> None:
        self.io.send(client, kind, payload)

    @staticmethod
    def _close_fds(fds: list[int], stdin_w: int, master: int | None) -> None:
        for fd in [*fds, stdin_w, master if master is not None else -1]:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


def _reported(sock: socket.socket) -> dict[str, Any] | None:
    """The init's error, if it has sent one already (read without waiting)."""
    try:
        data = sock.recv(65536, socket.MSG_DONTWAIT)
    except OSError:
        return None
    with contextlib.suppress(ValueError):
        message = json.loads(data)
        if isinstance(message, dict) and "error" in message:
            return message
    return None


def cache_bytecode(module: str) -> None:
    """Have ``module``'s bytecode in its ``__pycache__``, as importing it would, without
    running it (the loader's ``get_code`` reads a current ``.pyc`` or compiles the
    source and writes one, unless ``PYTHONDONTWRITEBYTECODE`` says not to).

    For the idle loop's module, which no other process imports: the first idle loop
    after an install without bytecode or an edit of the source compiled it itself,
    and an interpreter that has compiled keeps about 1 MB more for its life (the
    bench's first idle monitor after staging a tree: 4.1 MB private instead of 3.1).
    The modules it shares with us are compiled by now (we imported them). A failure
    only leaves the compile to the idle loop.
    """
    from importlib.machinery import SourceFileLoader
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
        if spec is not None and isinstance(spec.loader, SourceFileLoader):
            spec.loader.get_code(module)
    except (ImportError, OSError, SyntaxError, ValueError, EOFError):
        pass


def host_pid_of_self() -> int:
    """Our pid as the host sees it (``os.getpid()`` is 1 in our namespace).

    /proc here is the host's mount, whose NSpid line starts with host pids.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("NSpid:"):
                return int(line.split()[1])
    return os.getpid()


def host_pid_of_child(our_host_pid: int, child: int) -> int:
    """The host pid of our child whose pid in our namespace is ``child``."""
    with open(f"/proc/{our_host_pid}/task/{our_host_pid}/children") as f:
        candidates = [int(p) for p in f.read().split()]
    for candidate in candidates:
        try:
            with open(f"/proc/{candidate}/status") as f:
                for line in f:
                    if line.startswith("NSpid:"):
                        fields = line.split()
                        if len(fields) > 2 and int(fields[2]) == child:
                            return candidate
        except OSError:
            continue
    raise OSError(f"cannot find the host pid of child {child}")


def _close_inherited(keep: set[int]) -> None:
    """Close whatever the caller's caller left open: it must not reach the container."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _receive_streams(caller: socket.socket) -> list[int]:
    """The caller's stdin, stdout and stderr (spawn's ``_send_streams``), close-on-exec;
    none when the message is not theirs (the caller died)."""
    try:
        # (recv_fds drops its flags argument: MSG_CMSG_CLOEXEC would not reach recvmsg)
        _data, fds, _flags, _addr = socket.recv_fds(caller, 64, 3)
    except OSError:
        return []
    for fd in fds:
        os.set_inheritable(fd, False)  # no other thread forks meanwhile
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return []
    return list(fds)


def deferred_args(argv: list[str]) -> list[str] | None:
    """A prespawned monitor's options: the caller's first message (None: it hung up)."""
    values = dict(zip(argv[::2], argv[1::2], strict=False))
    sync = socket.socket(fileno=int(values["--sync-fd"]))
    try:
        data = sync.recv(65536)
    finally:
        sync.detach()  # the fd stays ours: Monitor wraps it again
    if not data:
        return None
    return ["--sync-fd", values["--sync-fd"], *json.loads(data)]


def main(argv: list[str], early: EarlyNetwork | None = None) -> None:
    """The monitor of ``argv``'s container; ``early``: the pasta a forked monitor started
    for it (``spawn._become_monitor``), which stops with us unless a run takes it."""
    import hutch

    if hutch.CODE_CACHE is not None:
        hutch.CODE_CACHE.close()  # the monitor lives on: keep none of the entries
    if "--deferred" in argv:
        # Started ahead of its container (spawn.prespawn): every import above
        # is done, and so is the type walk of the spec's decode below; now wait
        # for the container to exist.
        prepare(Spec)
        given = deferred_args(argv)
        if given is None:
            if early is not None:
                early.unlink()  # pasta goes with us (PID 1 of its namespace), not its FIFO
            os._exit(0)
        argv = given
    args = parse_args(argv)
    ours = early.fds() if early is not None else ()
    _close_inherited({0, 1, 2, args.sync_fd, *range(3, 3 + args.preserve_fds), *ours})
    spec = spec_from_json((args.bundle / "config.json").read_bytes())
    if early is not None:
        early = early.in_bundle(args.bundle)  # before our own mount namespace

    def run() -> int:
        try:
            return Monitor(args, spec, early).run()
        finally:
            if early is not None:
                early.unlink()  # a start that failed before its run took it

    mio.exit_with(str(args.bundle), run)


def resume_main() -> None:
    """The full monitor again, exec'd by the idle loop (``Monitor.resume``)."""
    import hutch

    if hutch.CODE_CACHE is not None:
        hutch.CODE_CACHE.close()
    handoff = mio.read_handoff(sys.argv[1:])
    args = parse_args(list(handoff["argv"]))

    def resume() -> int:
        return Monitor(args, spec_from_json(handoff["spec"])).resume(handoff)

    mio.exit_with(str(args.bundle), resume)


class _HandedOverHelper:
    """The rootfs's fuse-overlayfs helper (a child) after an exec: its pid alone."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def wait(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _holder(payload: bytes) -> tuple[int, str]:
    """The process a PAUSE frame says holds the pause ("PID START"), or (0, "")."""
    pid_text, _, start = payload.decode(errors="replace").partition(" ")
    if not pid_text.isdigit() or not start:
        return 0, ""
    return int(pid_text), start


def _write_pid(path: str, pid: int) -> None:
    """conmon's pid files: the number alone; one that cannot be written is no failure
    of the container (podman's conmon only logs it)."""
    if not path:
        return
    with contextlib.suppress(OSError), open(path, "w") as f:
        f.write(str(pid))


if __name__ == "__main__":
    main(sys.argv[1:])

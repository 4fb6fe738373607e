"""Health checks: the rules of the status, and the monitor's check runner.

Docker's rules: the status is ``starting`` until the first check passes
(``healthy``) or ``retries`` checks in a row fail (``unhealthy``); failures
during the start period do not count; a pass resets the failing streak. The
last five results are kept with their start, end, exit code and output.

The runner lives in the monitor (the one writer of state.json): every
interval it forks a check through runtime/exec.py with its output on a pipe,
kills it at the timeout, and hands the result back to the monitor's loop.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hutch.runtime import exec as rx
from hutch.runtime.health_cmd import HEALTHY, STARTING, UNHEALTHY
from hutch.runtime.spec import Spec
from hutch.runtime.spec_lifecycle import HealthCheck
from hutch.runtime.state import Health

TYPE_CHECKING = False  # typing is no import of the monitor's (issue 16)
if TYPE_CHECKING:
    from typing import Any, NoReturn

LOG_LIMIT = 5
OUTPUT_LIMIT = 4096
TIMEOUT_EXIT = -1


def _iso(ts: float) -> str:
    # datetime here: a monitor whose container has no health check never loads it
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


def record(
    health: Health,
    *,
    exit_code: int,
    output: str,
    start: float,
    end: float,
    in_start_period: bool,
    retries: int,
) -> Health:
    """The health after one check's result."""
    entry = {"Start": _iso(start), "End": _iso(end), "ExitCode": exit_code, "Output": output}
    log = (*health.log, entry)[-LOG_LIMIT:]
    if exit_code == 0:
        return Health(HEALTHY, 0, log)
    current = health.status or STARTING
    if in_start_period:
        return Health(current, health.failing_streak, log)
    streak = health.failing_streak + 1
    return Health(UNHEALTHY if streak >= retries else current, streak, log)


def record_startup(
    health: Health, *, exit_code: int, output: str, start: float, end: float
) -> Health:
    """The health after one startup check: logged, the status and streak left as they are
    (``starting``) until the regular check begins."""
    entry = {"Start": _iso(start), "End": _iso(end), "ExitCode": exit_code, "Output": output}
    log = (*health.log, entry)[-LOG_LIMIT:]
    return Health(health.status or STARTING, health.failing_streak, log)


@dataclass(frozen=True)
class Result:
    health: Health
    exit_code: int
    output: str
    # the startup check failed --health-startup-retries times: restart the container
    startup_failed: bool = False


@dataclass
class _Check:
    joiner: int  # the joiner, or the probe's child (pid in our namespace)
    out: int
    sock: socket.socket | None  # the joiner's handshake (None for a probe)
    start: float
    deadline: float
    output: bytes = b""
    timed_out: bool = False
    pid: int = 0  # the check's process, once the joiner has said
    failure: str = ""  # its setup error (command not found...)


class HealthRunner:
    """One container's checks, driven by the monitor's select loop."""

    def __init__(self, check: HealthCheck, spec: Spec) -> None:
        self.check = check
        self.spec = _spec_for(spec, check.command)
        startup = check.startup
        self.startup_spec = _spec_for(spec, startup.command) if startup is not None else None
        self.init_pid = 0
        self.started_at = 0.0
        self.due: float | None = None
        self.current: _Check | None = None
        # --health-startup-*: the startup check runs first, until it has passed
        self.in_startup = False
        self.startup_passes = 0
        self.startup_failures = 0

    def _interval(self) -> float:
        startup = self.check.startup
        return startup.interval if self.in_startup and startup is not None else self.check.interval

    def _timeout(self) -> float:
        startup = self.check.startup
        return startup.timeout if self.in_startup and startup is not None else self.check.timeout

    def begin(self, init_pid: int, now: float) -> None:
        """The container (re)started: first check after one interval (the startup
        check's, when there is one)."""
        self.end()
        self.init_pid = init_pid
        self.started_at = now
        self.in_startup = self.check.startup is not None
        self.startup_passes = self.startup_failures = 0
        self.due = now + self._interval()

    def end(self) -> None:
        if self.current is not None:
            _kill(self.current)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.current.joiner, 0)
            os.close(self.current.out)
            if self.current.sock is not None:
                self.current.sock.close()
            self.current = None
        self.due = None

    def snapshot(self) -> dict[str, object]:
        """Where the checks are between two of them (none running), for the monitor's
        exec into its idle loop and back (``restore``; runtime/idle.py)."""
        assert self.current is None
        return {
            "init_pid": self.init_pid,
            "started_at": self.started_at,
            "due": self.due,
            "in_startup": self.in_startup,
            "startup_passes": self.startup_passes,
            "startup_failures": self.startup_failures,
        }

    def restore(self, data: dict[str, Any]) -> None:
        self.init_pid = int(data["init_pid"])
        self.started_at = float(data["started_at"])
        self.due = None if data["due"] is None else float(data["due"])
        self.in_startup = bool(data["in_startup"])
        self.startup_passes = int(data["startup_passes"])
        self.startup_failures = int(data["startup_failures"])

    def run_now(self, now: float) -> None:
        if self.current is None and self.init_pid:
            self.due = now

    def fds(self) -> list[int]:
        return [self.current.out] if self.current is not None else []

    def timeout(self, now: float) -> float | None:
        """Seconds until the runner needs the loop again (None: never)."""
        if self.current is not None:
            return max(0.0, min(self.current.deadline - now, 0.5))
        if self.due is None:
            return None
        return max(0.0, self.due - now)

    def poll(
        self, now: float, ready: Sequence[object], health: Health, paused: bool
    ) -> Result | None:
        if self.current is None:
            if self.due is not None and now >= self.due and not paused:
                self._start(now)
            return None
        check = self.current
        if check.out in ready:
            self._read(check)
        if not check.timed_out and now >= check.deadline:
            check.timed_out = True
            _kill(check)
        done, status = os.waitpid(check.joiner, os.WNOHANG)
        if not done:
            return None
        self._read(check)
        os.close(check.out)
        _drain(check)
        if check.sock is not None:
            check.sock.close()
        self.current = None
        if check.timed_out:
            code = TIMEOUT_EXIT
            output = f"Health check exceeded timeout of {self._timeout():g}s"
        else:
            code = rx.exit_code_of(status)
            # podman's log drops the output's last newline (one: "a\n\n" is "a\n")
            output = check.failure or check.output.decode(errors="replace").removesuffix("\n")
        if self.in_startup:
            return self._startup_result(now, check, health, code, output)
        self.due = now + self.check.interval
        in_start = now - self.started_at < self.check.start_period
        new = record(
            health,
            exit_code=code,
            output=output,
            start=check.start,
            end=now,
            in_start_period=in_start,
            retries=self.check.retries,
        )
        return Result(new, code, output)

    def _startup_result(
        self, now: float, check: _Check, health: Health, code: int, output: str
    ) -> Result:
        """A startup check's end: the regular check begins after enough passes; enough
        failures (``retries`` above 0) ask the monitor to restart the container."""
        startup = self.check.startup
        assert startup is not None
        new = record_startup(health, exit_code=code, output=output, start=check.start, end=now)
        failed = False
        if code == 0:
            self.startup_passes += 1
            self.in_startup = self.startup_passes < max(startup.success, 1)
        else:
            self.startup_failures += 1
            failed = 0 < startup.retries <= self.startup_failures
        self.due = None if failed else now + self._interval()
        return Result(new, code, output, startup_failed=failed)

    def _start(self, now: float) -> None:
        if self.check.probe and not self.in_startup:
            self._start_probe(now)
            return
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        spec = self.startup_spec if self.in_startup and self.startup_spec else self.spec
        request = rx.ExecRequest(self.init_pid, spec, kill_with_joiner=True)
        try:
            handle = rx.start_exec(request, (null, out_w, out_w))
        except OSError:
            os.close(out_r)
            self.due = now + self._interval()
            return
        finally:
            os.close(out_w)
            os.close(null)
        os.set_blocking(out_r, False)
        handle.sock.setblocking(False)
        self.current = _Check(handle.joiner, out_r, handle.sock, now, now + self._timeout())
        self.due = None

    def _start_probe(self, now: float) -> None:
        """Fork a child that probes from the container's network namespace only."""
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        try:
            netns = os.open(f"/proc/{self.init_pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            os.close(out_r)
            os.close(out_w)
            self.due = now + self.check.interval
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(out_r)
            os.close(out_w)
            os.close(netns)
            self.due = now + self.check.interval
            return
        if pid == 0:  # pragma: no cover - the probe's child
            _probe_child(netns, out_w, self.check)
        os.close(out_w)
        os.close(netns)
        os.set_blocking(out_r, False)
        self.current = _Check(pid, out_r, None, now, now + self.check.timeout)
        self.due = None

    @staticmethod
    def _read(check: _Check) -> None:
        while True:
            try:
                data = os.read(check.out, 65536)
            except (BlockingIOError, InterruptedError):
                return
            if not data:
                return
            if len(check.output) < OUTPUT_LIMIT:
                check.output = (check.output + data)[:OUTPUT_LIMIT]


def _spec_for(spec: Spec, command: tuple[str, ...]) -> Spec:
    """The container's spec with a check's command as its process (no terminal, no stdin)."""
    process = replace(spec.process, args=command, terminal=False, stdin=False)
    return replace(spec, process=process)


def _probe_child(netns: int, out: int, check: HealthCheck) -> NoReturn:
    """In the forked child: join the container's network, probe, exit with the result."""
    code, text = 1, ""
    try:
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(-1)  # the monitor's, inherited by fork
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        # the monitor's sockets and pipes: a client waiting for their end must not wait
        # for the probe too
        for name in os.listdir("/proc/self/fd"):
            if int(name) > 2 and int(name) not in (out, netns):
                with contextlib.suppress(OSError):
                    os.close(int(name))
        theirs, ours = os.fstat(netns), os.stat("/proc/self/ns/net")
        if (theirs.st_dev, theirs.st_ino) != (ours.st_dev, ours.st_ino):
            from hutch.linux import syscalls as sc

            sc.setns(netns, sc.CLONE_NEWNET)
        from hutch.runtime import probe

        code, text = probe.run(probe.parse(check.probe), check.timeout)
    except BaseException as exc:  # the child must exit, whatever happened
        text = f"probe {check.probe}: {exc}\n"
    with contextlib.suppress(OSError):
        os.write(out, text.encode(errors="replace")[:OUTPUT_LIMIT])
    os._exit(code)


def _drain(check: _Check) -> None:
    """Read the handshake messages there are: the process's pid, its setup error."""
    if check.sock is None:
        return
    while True:
        try:
            data, fds, _f, _a = socket.recv_fds(check.sock, 65536, 1)
        except OSError:  # BlockingIOError included: nothing more for now
            return
        for fd in fds:
            os.close(fd)
        if not data:
            return
        with contextlib.suppress(ValueError):
            message = json.loads(data)
            check.pid = int(message.get("pid", check.pid))
            check.failure = str(message.get("error", check.failure))


def _kill(check: _Check) -> None:
    """Kill the check's process and let the joiner reap it and exit.

    Killing the joiner instead would orphan the process to the monitor
    (PID 1 of the joiner's pid namespace), which reaps only the children it
    knows: the zombie would keep the container's pid namespace from ending.
    """
    _drain(check)
    target = check.pid or check.joiner
    with contextlib.suppress(ProcessLookupError):
        os.kill(target, signal.SIGKILL)

"""Stopping containers: the stop signal, a grace period, then SIGKILL; several at once.

All containers of one ``stop``/``rm -f``/``restart`` get their stop signal
first and then share one wait, so that three containers that ignore SIGTERM
take one timeout, not three (podman works on them in parallel too). A
container still running when its timeout ends is killed with podman's
warning, so that a long wait is never silent.
"""

from __future__ import annotations

import contextlib
import os
import signal as signals
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from hutch.api.errors import HutchError
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.engine.signal_parse import parse_signal
from hutch.runtime import attachproto as ap
from hutch.runtime import state as st
from hutch.util import signames

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# the socket and select modules (2 ms) where a stop waits: create loads this module
# through engine/containers.py but stops nothing (issue 16)
if TYPE_CHECKING:
    import _socket

KILL_GRACE = 30.0  # seconds a killed container has to be gone before it is an error
POLL = 0.02


# With a connection to the monitor, the exit wakes the wait; this is only the look
# at the state for a monitor that dies without a word.
WATCHED_POLL = 0.25


@dataclass
class _Pending:
    container: cs.Container
    deadline: float  # when the stop signal's grace period ends (inf: never)
    timeout: int
    killed: bool = False
    # A connection to the container's monitor, as an attach client: the monitor sends
    # it the EXIT frame (or hangs up) right after it recorded the exit, so the wait
    # ends then rather than at the next look at the state. None: no monitor to reach.
    watch: _socket.socket | None = None
    frames: ap.FrameReader = field(default_factory=ap.FrameReader)


def stop_many(
    ctx: EngineContext, containers: Sequence[cs.Container], timeout: int | None
) -> dict[str, HutchError]:
    """Stop each container (its own stop timeout when ``timeout`` is None; a
    negative one waits for ever); the errors, by container id."""
    errors: dict[str, HutchError] = {}
    pending: list[_Pending] = []
    now = time.monotonic()
    for container in containers:
        if not container.running:
            reap_left_behind(ctx, container)
            try:
                _stop_between_runs(ctx, container, timeout)
            except HutchError as exc:
                errors[container.record.id] = exc
            continue
        (container.dirs.userdata / st.STOP_MARKER).touch()
        wait = container.config.stop_timeout if timeout is None else timeout
        item = _Pending(container, now + wait if wait >= 0 else float("inf"), wait)
        item.watch = _watch(str(ctx.paths.attach_socket(container.record.id)))
        if wait != 0:
            send(container, parse_signal(container.config.stop_signal))
        pending.append(item)
    try:
        while pending:
            now = time.monotonic()
            for item in list(pending):
                # its state alone: the config is not decoded for a look (issue 16)
                if not cs.load(ctx, item.container.record, decode=False).running:
                    pending.remove(item)
                    _unwatch(item)
                elif now >= item.deadline and not item.killed:
                    _kill(item)
                    item.killed, item.deadline = True, now + KILL_GRACE
                elif now >= item.deadline:
                    pending.remove(item)
                    _unwatch(item)
                    short = item.container.record.id[:12]
                    errors[item.container.record.id] = HutchError(f"container {short} did not stop")
            if pending:
                _wait_word(pending, now)
    finally:
        for item in pending:
            _unwatch(item)
    return errors


def _watch(path: str) -> _socket.socket | None:
    # The C module _socket, as the monitor uses: socket.py (its enums, selectors) was
    # another 1.4 ms of stop's start, for one connect and a few recv (issue 16).
    import _socket

    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM | _socket.SOCK_CLOEXEC)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    conn.setblocking(False)
    return conn


def _unwatch(item: _Pending) -> None:
    if item.watch is not None:
        item.watch.close()
        item.watch = None


def _wait_word(pending: list[_Pending], now: float) -> None:
    """Until a monitor says the run ended (its EXIT frame, a hang-up), a deadline, or
    the next look at the state (POLL for a container no connection watches). Output
    frames are read and dropped: a chatty container does not make this spin."""
    import select

    watched = [item.watch for item in pending if item.watch is not None]
    poll = WATCHED_POLL if len(watched) == len(pending) else POLL
    until = now + max(0.0, min([poll, *(item.deadline - now for item in pending)]))
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select(watched, [], [], left)
        for item in pending:
            if item.watch is not None and item.watch in ready and _said_exit(item):
                return
        if not ready:
            return


def _said_exit(item: _Pending) -> bool:
    assert item.watch is not None
    try:
        data = item.watch.recv(65536)
    except BlockingIOError:
        return False
    except OSError:
        data = b""
    if not data:
        _unwatch(item)  # hung up: the run is over, or the monitor gone
        return True
    return any(kind == ap.EXIT for kind, _payload in item.frames.feed(data))


def _kill(item: _Pending) -> None:
    container = item.container
    if item.timeout > 0:
        sig = signames.name(parse_signal(container.config.stop_signal))
        print(
            f"WARN: StopSignal {sig} failed to stop container {container.record.name} "
            f"in {item.timeout} seconds, resorting to SIGKILL",
            file=sys.stderr,
            flush=True,
        )
    send(container, signals.SIGKILL)


def _stop_between_runs(ctx: EngineContext, container: cs.Container, timeout: int | None) -> None:
    """A monitor in a restart back-off: keep it from starting another run.

    It sees the marker within 50 ms and exits; should it have started the
    next run just before, that run is stopped like any other.
    """
    state = container.state
    if not st.alive(state.monitor_pid, state.monitor_start):
        return
    (container.dirs.userdata / st.STOP_MARKER).touch()
    deadline = time.monotonic() + 5
    while st.alive(state.monitor_pid, state.monitor_start) and time.monotonic() < deadline:
        current = cs.load(ctx, container.record, decode=False)
        if current.running:
            error = stop_many(ctx, [current], timeout).get(current.record.id)
            if error is not None:
                raise error
            return
        time.sleep(POLL)


def send(container: cs.Container, sig: int) -> None:
    """The signal to the container's init, if it still runs."""
    state = container.state
    if not st.alive(state.pid, state.pid_start):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(state.pid, sig)


def wait_gone(pid: int, start: str, timeout: float) -> bool:
    """Wait until the process ``pid`` started at ``start`` (a monitor) has exited; False
    after ``timeout`` seconds. A pidfd wakes the caller the moment it exits (``rm``
    waits so for a stopped container's monitor, whose last act is the unmount: the
    overlay's sync of the upper file system) instead of up to a 10 ms poll later."""
    if not st.alive(pid, start):
        return True
    try:
        death = os.pidfd_open(pid)  # readable once the process has exited
    except OSError:
        death = -1  # gone already, or no pidfd (Linux < 5.3): the poll below
    try:
        deadline = time.monotonic() + timeout
        # checked after the open too: a pid reused in between is not ours to wait for
        while st.alive(pid, start):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if death >= 0:
                import select

                select.select([death], [], [], left)
            else:
                time.sleep(min(0.01, left))
        return True
    finally:
        if death >= 0:
            os.close(death)


def reap_left_behind(ctx: EngineContext, container: cs.Container) -> None:
    """What a container whose monitor was killed left running: in a pod that
    shares pid, its init dies with the monitor (PDEATHSIG) but the processes
    the init started live on in the pod's pid namespace. They are found by the
    mount namespace the monitor recorded, by its unique id (``stop``, ``rm``,
    ``pod stop``, ``pod rm -f`` and the next ``start`` call this)."""
    state = container.state
    if not state.mntns_id or st.alive(state.monitor_pid, state.monitor_start):
        return
    from hutch.runtime import pidshare

    ctx.enter_session()  # where its processes (any of its users) may be signalled
    pidshare.kill_left_behind(state.mntns, state.mntns_id)

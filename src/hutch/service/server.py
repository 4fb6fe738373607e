"""The accept loop: one thread per connection, and the idle timer.

The main thread accepts; each connection runs in a daemon thread
(``http11.Connection``), a new one or one kept from an earlier connection
(workers.py). ``--time`` seconds without a request in progress
(and no stream or hijacked connection open) end the service, as podman's
does: started by socket activation, the next client starts it again.
"""

from __future__ import annotations

import select
import signal
import socket
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from hutch.service.http11 import Activity, Connection
from hutch.service.workers import Workers

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext
    from hutch.service.router import Router

TICK = 0.25  # how often the idle timer looks
# No request in progress and none begun for this long: ``on_idle`` runs (at the next
# tick, so at most TICK later): a client's next request is not right behind it.
QUIET = 0.1


class Stopped(Exception):
    """SIGTERM or SIGINT: leave the accept loop."""


def serve(
    listeners: Sequence[socket.socket],
    ctx: ServiceContext,
    router: Router,
    idle_timeout: float,
    on_idle: Callable[[], None] | None = None,
) -> None:
    """Serve until ``idle_timeout`` seconds pass idle (0: never) or a signal ends it;
    ``on_idle`` at each tick while no request is in progress (it must be cheap when
    it has nothing to do)."""
    activity = Activity(time.monotonic)
    workers = Workers()

    def on_signal(_sig: int, _frame: FrameType | None) -> None:
        raise Stopped()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for sock in listeners:
            sock.setblocking(False)
        while True:
            try:
                ready, _, _ = select.select(list(listeners), [], [], TICK)
            except InterruptedError:
                continue
            for sock in ready:
                _accept(sock, ctx, router, activity, workers)
            idle = activity.idle_for()
            if idle_timeout > 0 and idle >= idle_timeout:
                return
            if on_idle is not None and idle >= QUIET:
                on_idle()
    except Stopped:
        return
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _accept(
    listener: socket.socket,
    ctx: ServiceContext,
    router: Router,
    activity: Activity,
    workers: Workers,
) -> None:
    try:
        conn, _addr = listener.accept()
    except (BlockingIOError, InterruptedError):
        return
    except OSError as exc:  # EMFILE and the like: say it, keep serving the others
        print(f"WARN: accept: {exc}", file=sys.stderr)
        time.sleep(TICK)
        return
    activity.touch()  # the idle timer gives a new connection time to speak
    conn.setblocking(True)
    if conn.family in (socket.AF_INET, socket.AF_INET6):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    workers.run(Connection(conn, ctx, router, activity).serve)

"""Cutting a registry transfer's connections when its caller went away.

A transfer checks ``cancelled`` at each piece (``Progress.checkpoint``), but
a read blocked inside a registry's answer (a registry that stalls mid-blob)
would wait for the client's read timeout, two minutes. ``Pools`` knows every
connection it made, so ``cut()`` can shut their sockets down from another
thread: a blocked ``recv`` (or ``send``) then returns at once, the read fails
and the transfer's own failure cleanup runs (the half-read blob's temp dir
removed, the upload in flight cancelled). ``watch`` is that other thread: it
asks ``cancelled`` every ``TICK`` while a transfer runs, and once it is true
cuts again at each tick, so that a request started after a cut (the DELETE of
an upload, a retry) does not wait on the stalled registry either. A cut spares
the connections made less than ``TICK`` ago: the DELETE that cancels an upload
reaches a registry that answers, and one that stalls is cut a tick later.

Only the API service passes ``cancelled``; the CLI's transfers start no
watcher. The CLI's ^C (``KeyboardInterrupt``) reaches the main thread only,
which waits for the transfer's worker threads in ``in_workers``: there it stops
them as a caller that left would (``stop()``: they raise ``TransferCancelled``
at their next piece; their connections cut every ``TICK`` until they ended), so
that the command ends within a tick or two and not when the last blob is in
(or, from a stalled registry, at the read timeout). A second ^C while they stop
is absorbed. (An attached ``run`` proxies its signals to the container from the
start: its pull takes the queued signal as ``cancelled``, engine/containers.py.)
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

if TYPE_CHECKING:  # urllib3's own types of its connections (protocols)
    from urllib3._base_connection import BaseHTTPConnection, BaseHTTPSConnection

TICK = 0.2  # seconds between two looks at ``cancelled``


class _Tracked:
    """What a pool of ``Pools`` shares with it: the connections it made."""

    def __init__(self) -> None:
        self.connections: weakref.WeakSet[BaseHTTPConnection] = weakref.WeakSet()
        self.lock = threading.Lock()

    def add(self, conn: BaseHTTPConnection) -> None:
        with self.lock:
            self.connections.add(conn)

    def cut(self, spare: float) -> int:
        with self.lock:
            connections = list(self.connections)
        done = 0
        newest = time.monotonic() - spare
        for conn in connections:
            sock = getattr(conn, "live_sock", None)
            if not isinstance(sock, socket.socket):
                continue  # not connected yet
            if getattr(conn, "connected_at", 0.0) > newest:
                continue
            # socket.socket's own shutdown, also for a TLS socket: SSLSocket.shutdown
            # would drop its TLS state under the thread that is reading through it.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
                done += 1
        return done


C = TypeVar("C", bound="BaseHTTPConnection")
T = TypeVar("T")
R = TypeVar("R")


def _noted(tracked: _Tracked | None, conn: C) -> C:
    if tracked is not None:
        tracked.add(conn)
    return conn


class _HTTPConnection(HTTPConnection):
    # The socket as connected: ``sock`` is None while a response that will close
    # the connection is read (http.client hands the socket to the response).
    live_sock: socket.socket | None = None
    connected_at = 0.0  # time.monotonic()

    def connect(self) -> None:
        super().connect()
        self.live_sock = self.sock
        self.connected_at = time.monotonic()


class _HTTPSConnection(HTTPSConnection):
    live_sock: socket.socket | None = None  # the TLS socket, as in _HTTPConnection
    connected_at = 0.0

    def connect(self) -> None:
        super().connect()
        self.live_sock = self.sock
        self.connected_at = time.monotonic()


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection
    tracked: _Tracked | None = None

    def _new_conn(self) -> BaseHTTPConnection:
        return _noted(self.tracked, super()._new_conn())


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection
    tracked: _Tracked | None = None

    def _new_conn(self) -> BaseHTTPSConnection:
        return _noted(self.tracked, super()._new_conn())


class _TrackedPools(urllib3.PoolManager):
    """The pools of a manager (direct or through a proxy) that track their connections,
    so that ``cut()`` shuts them down, idle or in use."""

    _tracked: _Tracked

    def _track(self) -> None:
        self._tracked = _Tracked()
        self.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def _new_pool(
        self,
        scheme: str,
        host: str,
        port: int,
        request_context: dict[str, Any] | None = None,
    ) -> HTTPConnectionPool:
        # urllib3's documented place to customise the pools it makes
        pool = super()._new_pool(scheme, host, port, request_context)
        if isinstance(pool, _HTTPPool | _HTTPSPool):
            pool.tracked = self._tracked
        return pool

    def cut(self, spare: float = TICK) -> int:
        """Shut down every open connection but those made less than ``spare``
        seconds ago; how many were shut down."""
        return self._tracked.cut(spare)


class Pools(_TrackedPools):
    """A ``PoolManager`` whose connections ``cut()`` shuts down, idle or in use."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._track()

    @staticmethod
    def through(proxy: str | None, **kwargs: Any) -> _TrackedPools:
        """Pools that connect directly, or through ``proxy`` (registry/proxy.py)."""
        return ProxyPools(proxy, **kwargs) if proxy else Pools(**kwargs)


class ProxyPools(_TrackedPools, urllib3.ProxyManager):
    """``Pools`` through a proxy: HTTPS tunnelled with CONNECT, plain HTTP forwarded."""

    def __init__(self, proxy: str, **kwargs: Any) -> None:
        urllib3.ProxyManager.__init__(self, proxy, **kwargs)
        self._track()


@contextlib.contextmanager
def watch(cancelled: Callable[[], bool] | None, cut: Callable[[], object]) -> Iterator[None]:
    """Run the body; meanwhile, once ``cancelled()`` is true, call ``cut()`` every
    ``TICK`` until the body ends. No thread at all without ``cancelled``."""
    if cancelled is None:
        yield
        return
    done = threading.Event()

    def watcher() -> None:
        while not done.wait(TICK):
            if cancelled():
                cut()

    thread = threading.Thread(target=watcher, daemon=True, name="transfer-watch")
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT stays pending in this thread until the block ends (then it is raised).

    A pool starts a worker's thread before it records it: a ^C in between (a
    worker's first piece can fail fast, and a loaded machine makes the gap
    wide) would leave that thread out of the pool's shutdown, and the
    interrupt would go on while it still writes to the store. The workers
    started here inherit the mask: a terminal's ^C then reaches this thread.
    """
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def in_workers(
    work: Callable[[T], R], items: Iterable[T], workers: int, stop: Callable[[], object]
) -> list[R]:
    """``work`` over ``items`` in ``workers`` threads; the results in order.

    On ^C (see the module's doc) ``stop()`` is called every ``TICK`` until every
    worker ended, then the ``KeyboardInterrupt`` goes on: the store sees the
    workers' own cleanup (a half-read blob's temp dir removed) before the process
    ends, and a pool's usual end would wait for each transfer to finish instead.
    """
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        with _sigint_held():
            futures: list[Future[R]] = [pool.submit(work, item) for item in items]
        return [future.result() for future in futures]
    except KeyboardInterrupt:
        # every worker started is the pool's (``_sigint_held``): its end waits for them
        _stop_workers(pool, stop)
        raise
    finally:
        pool.shutdown(wait=True)


def _stop_workers(pool: ThreadPoolExecutor, stop: Callable[[], object]) -> None:
    """Stop the pool's workers and wait for them, cutting every ``TICK``.

    A second ^C meanwhile (the user pressing again while the transfers stop) is
    absorbed, as podman's shutdown handler, busy with the first, takes no other:
    raised, it would leave the workers to the pool's plain wait, which no cut
    shortens (a stalled read: the two-minute timeout). One that comes before the
    absorbing handler is in place starts the stopping over.
    """
    while True:
        try:
            with _sigint_absorbed():
                pool.shutdown(wait=False, cancel_futures=True)  # those not started never start
                stop()
                with watch(lambda: True, stop):
                    pool.shutdown(wait=True)
            return
        except KeyboardInterrupt:
            continue


@contextlib.contextmanager
def _sigint_absorbed() -> Iterator[None]:
    """SIGINT does nothing meanwhile (main thread only: no other can set a handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        # None: a handler set outside Python; Python's own is the likely one
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)

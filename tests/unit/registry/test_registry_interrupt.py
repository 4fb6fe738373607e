"""Cutting a transfer's connections: a read blocked on a stalled server ends at once."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import urllib3

from hutch.registry.interrupt import Pools, in_workers, watch


@pytest.fixture(params=["HTTP/1.1", "HTTP/1.0"])
def stalling_server(request: pytest.FixtureRequest) -> Iterator[tuple[int, threading.Event]]:
    """An HTTP server that answers one GET with headers and half of a body, then
    sends nothing more until the test ends; the event is set once the client
    closed its side (the server reads end of file). HTTP/1.0: the answer will
    close the connection, and http.client hands its socket to the response."""
    version: str = request.param
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    closed = threading.Event()
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(version.encode() + b" 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 500)
            conn.settimeout(0.1)
            while not stop.is_set():
                try:
                    if conn.recv(1) == b"":
                        closed.set()
                        return
                except TimeoutError:
                    continue
                except OSError:
                    closed.set()
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], closed
    stop.set()
    thread.join(5)
    listener.close()


def test_cut_ends_a_read_blocked_mid_body(stalling_server: tuple[int, threading.Event]) -> None:
    port, closed = stalling_server
    pools = Pools(timeout=urllib3.Timeout(connect=5, read=60), retries=False)
    resp = pools.request("GET", f"http://127.0.0.1:{port}/blob", preload_content=False)
    assert resp.read(500) == b"x" * 500
    outcome: list[object] = []

    def read_rest() -> None:
        try:
            outcome.append(resp.read(500))
        except Exception as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read_rest)
    reader.start()
    time.sleep(0.3)
    assert reader.is_alive()  # blocked: the server sends nothing more
    assert pools.cut(spare=60) == 0  # made less than a minute ago: spared
    assert reader.is_alive()
    started = time.monotonic()
    assert pools.cut() == 1  # made more than a tick ago
    reader.join(5)
    assert not reader.is_alive()
    assert time.monotonic() - started < 1
    assert outcome and outcome[0] != b"x" * 500  # a short read or an error, never the blob
    assert closed.wait(5)  # the server saw the connection go


def test_cut_without_connections_does_nothing() -> None:
    assert Pools().cut() == 0


def test_watch_cuts_once_cancelled_and_again_at_each_tick() -> None:
    cuts: list[float] = []
    flag = threading.Event()
    with watch(flag.is_set, lambda: cuts.append(time.monotonic())):
        time.sleep(0.3)
        assert cuts == []
        flag.set()
        time.sleep(0.7)
    assert len(cuts) >= 2
    count = len(cuts)
    time.sleep(0.3)
    assert len(cuts) == count  # the watcher ended with the body


def test_watch_starts_no_thread_without_cancelled() -> None:
    before = threading.active_count()
    with watch(None, lambda: pytest.fail("cut")):
        assert threading.active_count() == before


def test_in_workers_gives_the_results_in_order() -> None:
    assert in_workers(lambda n: n * n, range(6), 3, lambda: None) == [0, 1, 4, 9, 16, 25]


def test_an_interrupt_stops_the_workers_before_it_goes_on() -> None:
    """^C reaches the main thread, waiting in in_workers: ``stop`` is called until
    every worker ended (each waits for it here, as a transfer blocked in a stalled
    read waits for its cut), then KeyboardInterrupt goes on; a job not started
    yet never starts."""
    stopped = threading.Event()
    started: list[int] = []
    ended: list[int] = []
    stops: list[float] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 0:  # as the terminal's ^C: SIGINT to the main thread
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        assert stopped.wait(10)
        ended.append(n)
        return n

    def stop() -> None:
        stops.append(time.monotonic())
        stopped.set()

    with pytest.raises(KeyboardInterrupt):
        in_workers(work, range(3), 2, stop)
    assert 0 in ended and sorted(ended) == sorted(started) and stops
    assert 2 not in started  # two workers: the third job waited for one, and never ran


def test_a_second_interrupt_while_the_workers_stop_is_absorbed() -> None:
    """The user presses ^C again while the transfers stop: one KeyboardInterrupt
    goes on, after every worker ended (a second one raised there would leave them
    to the pool's plain wait, which nothing cuts), and SIGINT is Python's again."""
    main = threading.main_thread().ident or 0
    release = threading.Event()
    started: list[int] = []
    ended: list[int] = []
    stops = 0

    def work(n: int) -> int:
        started.append(n)
        if n == 0:
            signal.pthread_kill(main, signal.SIGINT)
        assert release.wait(10)
        ended.append(n)
        return n

    def stop() -> None:
        nonlocal stops
        stops += 1
        if stops == 1:  # the second ^C, while the workers have not ended yet
            signal.pthread_kill(main, signal.SIGINT)
            time.sleep(0.05)  # Python runs the handler at the next instructions here
        release.set()

    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt) as raised:
        in_workers(work, range(2), 2, stop)
    assert 0 in ended and sorted(ended) == sorted(started) and stops >= 1
    assert raised.value.__context__ is None  # the first ^C's, not one raised while stopping
    assert signal.getsignal(signal.SIGINT) is before

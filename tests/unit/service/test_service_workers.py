"""The connection threads (service/workers.py): a thread per connection at a time,
one that finished kept a moment for the next."""

from __future__ import annotations

import threading
import time

from hutch.service.workers import Workers


def _until(check: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return True
        time.sleep(0.005)
    return False


def test_a_finished_thread_serves_the_next_connection() -> None:
    workers = Workers(keep=2, linger=5)
    seen: list[int] = []
    done = threading.Event()
    workers.run(lambda: seen.append(threading.get_ident()))
    assert _until(lambda: workers.idle() == 1)
    workers.run(lambda: (seen.append(threading.get_ident()), done.set()))
    assert done.wait(5)
    assert len(seen) == 2 and seen[0] == seen[1]


def test_a_busy_connection_holds_up_no_other() -> None:
    """A long pull and a ps at once: the second connection gets a thread of its own."""
    workers = Workers(keep=2, linger=5)
    release = threading.Event()
    served = threading.Event()
    workers.run(lambda: release.wait(10) and None)
    workers.run(served.set)
    assert served.wait(5)
    release.set()


def _conn_threads() -> int:
    return sum(t.name == "conn" for t in threading.enumerate())


def test_waiting_threads_end_after_the_linger_and_at_most_keep_wait() -> None:
    before = _conn_threads()
    workers = Workers(keep=2, linger=0.2)
    release = threading.Event()
    for _ in range(4):
        workers.run(lambda: release.wait(10) and None)
    assert _conn_threads() == before + 4
    release.set()
    assert _until(lambda: _conn_threads() == before + 2)  # two kept, two ended
    assert workers.idle() == 2
    assert _until(lambda: _conn_threads() == before and workers.idle() == 0)


def test_a_connection_handed_over_as_the_wait_runs_out_is_served() -> None:
    """run() and a thread giving up take the same lock: no job is left in the queue
    with no thread to take it, however the two meet."""
    workers = Workers(keep=1, linger=0.01)
    for _ in range(200):
        served = threading.Event()
        workers.run(served.set)
        assert served.wait(5)
        time.sleep(0.01)  # around the linger: the thread may be giving up now

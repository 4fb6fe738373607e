"""The threads that serve connections: one per connection at a time, kept a moment.

Each connection still has a thread of its own (context.py says why), so a long
pull and a ``ps`` both progress; what changes is where the thread comes from.
Starting one costs the accept loop a clone and a handshake (``Thread.start``
waits until the new thread runs): about 0.1 to 0.2 ms of a ``docker ps``'s
0.6 ms in the service, measured with the docker client's two requests. A thread
whose connection ended waits ``linger`` seconds for the next one instead of
ending, and at most ``keep`` wait at once: a client that connects again at once
(docker ps in a loop, docker-py's pool, a script) is handed to a waiting thread
through a queue, and the service is back to no worker thread soon after the
last client (the thread count the integration tests compare settles within
``linger``).

Handing a connection over and a waiting thread giving up both take ``_lock``,
so a connection is never put in the queue with no thread left to take it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

KEEP = 4  # threads waiting for a connection at most
# Seconds a thread waits for another connection before it ends: a client that
# connects again at once (a loop, a script's next command) is within it, and the
# thread counts the integration tests compare settle well within their second.
LINGER = 0.5


class Workers:
    def __init__(self, keep: int = KEEP, linger: float = LINGER) -> None:
        self._keep = keep
        self._linger = linger
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting in _next, not yet handed a job
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    def run(self, job: Callable[[], None]) -> None:
        """Run ``job`` in a thread of its own: a waiting one, else a new one."""
        with self._lock:
            if self._idle:
                self._idle -= 1
                self._jobs.put(job)
                return
        threading.Thread(target=self._loop, args=(job,), daemon=True, name="conn").start()

    def idle(self) -> int:
        with self._lock:
            return self._idle

    def _loop(self, job: Callable[[], None] | None) -> None:
        while job is not None:
            job()
            job = self._next()

    def _next(self) -> Callable[[], None] | None:
        """The next job, or None: this thread ends (enough wait, or none came)."""
        with self._lock:
            if self._idle >= self._keep:
                return None
            self._idle += 1
        try:
            return self._jobs.get(timeout=self._linger)
        except queue.Empty:
            pass
        with self._lock:
            try:  # handed over while the wait ran out: run() took this thread's count
                return self._jobs.get_nowait()
            except queue.Empty:
                self._idle -= 1
                return None

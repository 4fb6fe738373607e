"""``--sdnotify=healthy``: READY=1 once the container's health check first passes.

The monitor runs the checks and records the status in state.json (its one
writer, runtime/state.py); this side only reads that file, every
``POLL_SECONDS``, so it needs neither the database nor the monitor's socket.
Detached, ``run`` waits here before it returns (as podman's does) and then
hands the service over to the monitor (``MAINPID=``) with READY=1; attached,
the CLI stays the main process and a thread waits while it relays output
(waiting before the relay could stall a container that writes more than a
pipe holds before it is healthy). An unhealthy status is waited through, as
podman does: a check may pass later, and systemd's TimeoutStartSec= bounds
the wait. A container that stops first was never ready: nothing is sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from hutch.runtime import state as st
from hutch.runtime.health_cmd import HEALTHY
from hutch.util import sdnotify

POLL_SECONDS = 0.2


def wait_healthy(
    state_file: Path,
    *,
    stop: threading.Event | None = None,
    read: Callable[[Path], st.RuntimeState] = st.read_state,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """True once the recorded health is ``healthy``; False when the container
    is no longer running (or ``stop`` is set) before that."""
    while stop is None or not stop.is_set():
        state = st.reconciled(read(state_file))
        if state.health.status == HEALTHY:
            return True
        if state.status not in (st.RUNNING, st.PAUSED):
            return False
        sleep(POLL_SECONDS)
    return False


class Notifier:
    """The thread of an attached run: READY=1 when healthy, or nothing."""

    def __init__(self, state_file: Path) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(state_file,), name="sdnotify-healthy", daemon=True
        )
        self._thread.start()

    def _run(self, state_file: Path) -> None:
        if wait_healthy(state_file, stop=self._stop):
            sdnotify.notify("READY=1")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

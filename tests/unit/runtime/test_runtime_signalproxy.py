"""The signal proxy of an attached run: what it holds before the container exists."""

from __future__ import annotations

import os
import signal
import time

from hutch.runtime.signalproxy import SignalProxy


def _deliver(sig: int) -> None:
    os.kill(os.getpid(), sig)
    time.sleep(0.01)  # Python runs the handler at the next instructions


def test_interrupted_once_a_terminating_signal_waits_for_the_container() -> None:
    """run's pull asks ``interrupted`` as its ``cancelled``: SIGUSR1 (forwarded later,
    harmless) does not stop it, SIGINT does; nothing raises in the caller meanwhile."""
    before = signal.getsignal(signal.SIGINT)
    proxy = SignalProxy()
    try:
        _deliver(signal.SIGUSR1)
        assert not proxy.interrupted()
        _deliver(signal.SIGINT)
        assert proxy.interrupted()
    finally:
        proxy.close()
    assert signal.getsignal(signal.SIGINT) is before

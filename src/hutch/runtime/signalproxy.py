"""Forwarding the signals an attached caller receives to its container.

Installed before the container exists, so that a signal arriving while the
container is being created is not lost (nor kills the caller, leaving the
container unsupervised): it is queued and delivered once the command runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
from types import FrameType

FORWARDED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)

_TERMINATING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class SignalProxy:
    def __init__(self) -> None:
        self._pid = 0
        self._pending: list[int] = []
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in FORWARDED}

    def _on_signal(self, sig: int, _frame: FrameType | None) -> None:
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, sig)
        else:
            self._pending.append(sig)

    def interrupted(self) -> bool:
        """A terminating signal came and waits for a command: ``run``'s pull takes
        it as its ``cancelled`` and stops (podman's ^C during the pull ends the run)."""
        return any(sig in _TERMINATING for sig in self._pending)

    def target(self, pid: int) -> None:
        """From now on signals go to ``pid``; queued ones are delivered now.

        A terminating signal that came before the command ran cancels the run:
        the command, as PID 1 of its namespace, would ignore it until it has
        installed a handler, so it is killed instead of left running.
        """
        self._pid = pid
        pending, self._pending = self._pending, []
        for sig in pending:
            with contextlib.suppress(ProcessLookupError):
                if sig in _TERMINATING:
                    os.kill(pid, signal.SIGKILL)
                    return
                os.kill(pid, sig)

    def close(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

"""Ctrl-C (and SIGTERM) for the commands that follow output until they are stopped.

``compose up`` in the foreground, ``compose logs`` and ``compose events`` end
on SIGINT as docker compose does. Python raises KeyboardInterrupt for SIGINT
only when it started with SIGINT at its default action: a process started
with it ignored keeps ignoring it, and a shell without job control (a script's
``cmd &``, a CI runner's background job, ``contrib/test.sh`` running pytest
beside the guest lane) starts its background commands so. Such a ``compose up``
never stopped on SIGINT, which is how the Ctrl-C test hung in CI. Go's
``signal.Notify``, which docker compose calls, turns an ignored signal back
on; ``catching`` does the same while a command follows, and puts the previous
action back after it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def catching(*signums: int) -> Iterator[None]:
    """Each of ``signums`` raises KeyboardInterrupt in the main thread meanwhile."""
    previous = [(signum, signal.signal(signum, _interrupt)) for signum in signums]
    try:
        yield
    finally:
        for signum, action in reversed(previous):
            # None: an action not set from Python (none at start-up but the default)
            signal.signal(signum, signal.SIG_DFL if action is None else action)

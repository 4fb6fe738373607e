"""A signal that stops a command following output, as Ctrl-C does.

``compose up`` in the foreground stops its project on SIGTERM as on Ctrl-C, as
docker compose does: ``catching`` makes SIGTERM raise KeyboardInterrupt while it
follows, and puts the previous action back after it. (An ignored SIGINT, which a
script's ``cmd &`` hands down, hutch turns back on once at its start, for every
command: cli/main.py ``interruptible``.)
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

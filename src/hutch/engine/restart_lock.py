"""``restart`` and the ``--rm`` cleanup of the run it stops, one after the other.

``restart`` of an ``--rm`` container stops it and starts it again, while the stopped
run's monitor execs ``container cleanup``, which removes an ``--rm`` container once it
has exited. Unguarded, that cleanup removed the container the restart had just started
(2 runs in 3). podman's container lock orders the two; this lock does the same:
restart holds it from before its stop to after its start, and the cleanup takes it
before it reads the state, so it finds the new run and leaves it alone. An flock, so
that a restart killed half-way releases it, and across the pid namespaces of the
monitor and the command line.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "restart.lock"


@contextmanager
def held(userdata: Path) -> Iterator[None]:
    """The container's restart lock, waited for; nothing when the container is gone."""
    try:
        fd = os.open(userdata / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:  # removed meanwhile: there is nothing to order
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

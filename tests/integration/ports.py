"""A free TCP port on loopback, for tests that publish or serve one.

One place for it: lanes run side by side on one machine, and a fixed port in a
test made two lanes' runs of it collide."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick; free until someone binds it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port

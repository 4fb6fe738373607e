"""sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET."""

from __future__ import annotations

import os


def notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send ``message`` (``READY=1``, ``MAINPID=N``...) to the service manager.

    Returns False when there is no manager to tell (no NOTIFY_SOCKET, or it
    cannot be reached): being supervised is optional, so that is no error.
    An ``@`` at the start of the path names an abstract socket.
    """
    path = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not path or path[0] not in "/@":
        return False
    address = "\0" + path[1:] if path.startswith("@") else path
    import socket  # (2 ms) here: create loads this module, and tells no manager

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.sendto(message.encode(), address)
    except OSError:
        return False
    return True

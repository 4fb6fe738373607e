"""``--sdnotify=container``: the container's own sd_notify messages reach systemd.

As podman does, the container gets ``NOTIFY_SOCKET=/run/notify/notify.sock``:
the directory is a bind of ``userdata/notify`` (specbuild), and the socket in
it is bound by the process that starts the container, at each start, so it
is there before the container's first message. That process relays each
datagram to its own ``$NOTIFY_SOCKET`` (the service's):

- attached (a Quadlet service: ``run`` stays the main process), a thread
  relays while the container runs;
- detached, ``run`` relays until the container says ``READY=1`` (or stops)
  and then returns; READY=1 goes out with ``MAINPID=`` of the monitor, which
  stays in the service's cgroup when ``run`` exits, as with
  ``--sdnotify=conmon``. Messages the container sends later (STATUS=,
  WATCHDOG=1) have no one to relay them: the socket is gone with ``run``.

A container's ``MAINPID=`` names a pid of its own pid namespace, which
means nothing to systemd: it is dropped. Without a ``$NOTIFY_SOCKET`` (not
run by systemd) the socket still exists, so the container's sd_notify does
not fail, and nothing waits for it.
"""

from __future__ import annotations

import contextlib
import os
import select
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hutch.runtime import state as st
from hutch.runtime.spec import Mount, Spec
from hutch.util import sdnotify

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    import socket  # (2 ms) loaded where a socket is bound: create only plans one
    import threading

CONTAINER_DIR = "/run/notify"  # podman's place in the container
SOCKET_NAME = "notify.sock"
HOST_DIR = "notify"  # in the container's userdata
POLL_SECONDS = 0.2
MAX_DATAGRAM = 4096  # sd_notify messages are short; systemd takes up to its page


def container_socket() -> str:
    return f"{CONTAINER_DIR}/{SOCKET_NAME}"


def host_dir(userdata: Path) -> Path:
    """The directory bound at /run/notify, made at create (the mount's source)."""
    directory = userdata / HOST_DIR
    directory.mkdir(mode=0o755, exist_ok=True)
    directory.chmod(0o755)  # any user of the container reaches the socket
    return directory


def apply(spec: Spec, mode: str, userdata: Path) -> Spec:
    """``--sdnotify=container``: the directory bound at /run/notify, and the
    variable naming the socket. Last of the mounts, so that a tmpfs on /run
    (``--tmpfs``, ``--systemd``, ``--read-only``) does not hide it."""
    if mode != "container":
        return spec
    directory = host_dir(userdata)
    mount = Mount("bind", CONTAINER_DIR, os.fspath(directory), ("rw",))
    env = tuple(v for v in spec.process.env if not v.startswith("NOTIFY_SOCKET="))
    process = replace(spec.process, env=(*env, f"NOTIFY_SOCKET={container_socket()}"))
    return replace(spec, mounts=(*spec.mounts, mount), process=process)


def bind(userdata: Path) -> socket.socket:
    """The socket the container sends to, bound anew (a start after a stop)."""
    directory = host_dir(userdata)
    (directory / SOCKET_NAME).unlink(missing_ok=True)
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    # A store path with a 64-digit id outgrows sun_path (108 bytes): bind
    # through the directory's descriptor, whose /proc path is short.
    fd = os.open(directory, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        sock.bind(f"/proc/self/fd/{fd}/{SOCKET_NAME}")
        os.chmod(SOCKET_NAME, 0o777, dir_fd=fd)  # the container's user may be any mapped id
    except OSError:
        sock.close()
        raise
    finally:
        os.close(fd)
    return sock


def translate(message: bytes, mainpid: int | None) -> tuple[str, bool]:
    """What goes to systemd for one message of the container, and whether it said
    READY=1. The container's MAINPID= goes; ``mainpid`` (the monitor's, when
    ``run`` returns) comes in front of READY=1."""
    lines = [
        line
        for line in message.decode(errors="replace").split("\n")
        if line and not line.startswith("MAINPID=")
    ]
    ready = "READY=1" in lines
    if ready and mainpid is not None:
        lines.insert(0, f"MAINPID={mainpid}")
    return "\n".join(lines), ready


def _relay_one(
    sock: socket.socket, mainpid: int | None, send: Callable[[str], bool] = sdnotify.notify
) -> bool:
    try:
        data = sock.recv(MAX_DATAGRAM)
    except OSError:
        return False
    text, ready = translate(data, mainpid)
    if text:
        send(text)
    return ready


def _running(state_file: Path) -> bool:
    return st.reconciled(st.read_state(state_file)).status in (st.RUNNING, st.PAUSED)


def relay_until_ready(
    sock: socket.socket,
    state_file: Path,
    mainpid: int | None,
    *,
    stop: threading.Event | None = None,
    running: Callable[[Path], bool] = _running,
    send: Callable[[str], bool] = sdnotify.notify,
) -> bool:
    """Relay the container's messages until one says READY=1 (True), or the
    container is no longer running (False). Nothing bounds the wait but the
    service's TimeoutStartSec=, as with podman."""
    while stop is None or not stop.is_set():
        readable, _, _ = select.select([sock], [], [], POLL_SECONDS)
        if readable:
            if _relay_one(sock, mainpid, send):
                return True
        elif not running(state_file):
            # what it said just before its end still counts
            while select.select([sock], [], [], 0)[0]:
                if _relay_one(sock, mainpid, send):
                    return True
            return False
    return False


class Relay:
    """The thread of an attached run: every message of the container, relayed
    while it runs (READY=1, then STATUS=, WATCHDOG=1, STOPPING=1...)."""

    def __init__(self, sock: socket.socket) -> None:
        import threading  # only a relay with --sdnotify=container: not every create's

        self._sock = sock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sdnotify-relay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                readable, _, _ = select.select([self._sock], [], [], POLL_SECONDS)
                if readable:
                    _relay_one(self._sock, None)

    def close(self) -> None:
        """After the container's end: what it said last is relayed too."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self._sock:
            while select.select([self._sock], [], [], 0)[0]:
                _relay_one(self._sock, None)


def wanted(environ: dict[str, str] | None = None) -> bool:
    """Whether there is a service manager to relay to."""
    path = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    return bool(path) and path[0] in "/@"

"""Where the service listens: a URI, or a socket handed over by systemd.

``unix:///path`` (default ``$XDG_RUNTIME_DIR/hutch/hutch.sock``; the socket is
mode 0600 in a 0700 directory), ``tcp://HOST:PORT`` (loopback unless asked
otherwise, always with a warning: the API gives whoever connects the user's
containers), or socket activation (``LISTEN_FDS``/``LISTEN_PID``, the
protocol of sd_listen_fds(3): the first descriptor is 3).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import InvalidArgument

SD_LISTEN_FDS_START = 3


@dataclass(frozen=True)
class Endpoint:
    scheme: str  # unix or tcp
    path: str = ""  # unix
    host: str = ""  # tcp
    port: int = 0

    def __str__(self) -> str:
        if self.scheme == "unix":
            return f"unix://{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"


def default_uri() -> str:
    """``unix://$XDG_RUNTIME_DIR/hutch/hutch.sock``, as the CLI's runtime dir rule
    (config/paths.py): ``/tmp/hutch-$UID`` when XDG_RUNTIME_DIR is unset."""
    xdg = os.environ.get("XDG_RUNTIME_DIR") or ""
    base = (
        Path(xdg) / "hutch"
        if xdg and os.path.isabs(xdg) and os.path.isdir(xdg)
        else Path(f"/tmp/hutch-{os.getuid()}")
    )
    return f"unix://{base / 'hutch.sock'}"


def parse_uri(uri: str) -> Endpoint:
    if uri.startswith("unix://"):
        path = uri[len("unix://") :]
        if not path.startswith("/"):
            raise InvalidArgument(f"invalid URI {uri!r}: a unix socket path must be absolute")
        return Endpoint("unix", path=path)
    if uri.startswith("tcp://"):
        rest = uri[len("tcp://") :].rstrip("/")
        host, sep, port_text = rest.rpartition(":")
        if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InvalidArgument(f"invalid URI {uri!r}: expected tcp://HOST:PORT")
        host = host.strip("[]") or "127.0.0.1"
        return Endpoint("tcp", host=host, port=int(port_text))
    raise InvalidArgument(
        f"invalid URI {uri!r}: expected unix:///PATH or tcp://HOST:PORT",
        hint="the default is " + default_uri(),
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def activated_sockets() -> list[socket.socket]:
    """The listening sockets systemd passed (empty when none were), as sd_listen_fds.

    The variables are removed so that processes the service starts (monitors,
    builds) do not take the sockets for theirs.
    """
    pid_text = os.environ.pop("LISTEN_PID", "")
    fds_text = os.environ.pop("LISTEN_FDS", "")
    os.environ.pop("LISTEN_FDNAMES", None)
    if not fds_text or not pid_text.isdigit() or int(pid_text) != os.getpid():
        return []
    if not fds_text.isdigit() or int(fds_text) < 1:
        return []
    found = []
    for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + int(fds_text)):
        os.set_inheritable(fd, False)
        found.append(socket.socket(fileno=fd))
    return found


def listen(endpoint: Endpoint, backlog: int = 128) -> socket.socket:
    """A listening socket at ``endpoint``; a unix socket is 0600 in a 0700 directory."""
    if endpoint.scheme == "unix":
        return _listen_unix(Path(endpoint.path), backlog)
    family = socket.AF_INET6 if ":" in endpoint.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((endpoint.host, endpoint.port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise InvalidArgument(f"cannot listen on {endpoint}: {exc.strerror}") from exc
    return sock


def _listen_unix(path: Path, backlog: int) -> socket.socket:
    parent = path.parent
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = parent.stat()
    except OSError as exc:
        raise InvalidArgument(f"cannot create {parent}: {exc.strerror}") from exc
    if info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise InvalidArgument(
            f"{parent} must be a directory of yours that only you can enter (mode 0700)",
            hint=f"fix: chmod 0700 {parent}, or give another socket path",
        )
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise InvalidArgument(f"{path} exists and is not a socket")
        if _in_use(path):
            raise InvalidArgument(f"{path} is in use: another service answers there")
        path.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    # umask: the socket is born 0600, never briefly open to others.
    previous = os.umask(0o177)
    try:
        sock.bind(str(path))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise InvalidArgument(f"cannot listen on unix://{path}: {exc.strerror}") from exc
    finally:
        os.umask(previous)
    return sock


def _in_use(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True

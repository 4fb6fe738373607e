"""Published TCP ports of user-defined networks: a splice proxy in the rootless namespace.

A user network's container lives behind the rootless namespace's slirp4netns,
whose host forwards copy every byte through libslirp's TCP stack in user
space (about 1.8 Gbit/s here, a fifth of what podman's rootlessport moves).
So a published TCP port is a listening socket of the *host's* namespace,
made by ``hutch.net.attach`` (which starts there, and so reports a port in
use at once) and handed over ``RUNDIR/ports.sock`` to the holder of the
rootless namespace (``hutch.net.rootlessd``), with a pidfd of the container's
init. The holder accepts there, connects to the container from inside the
rootless namespace and moves the bytes with ``splice`` (kernel to kernel,
through a pipe), one thread per direction.

Unlike rootlessport, the client's address is kept: the connection to the
container is made from a transparent socket (``IP_TRANSPARENT``) bound to
the client's address, and the rootless namespace delivers the container's
replies to that socket (``nftrules.transparent_rules``: a mark on packets
that belong to a transparent socket, and a policy route of the mark to the
local table). A client on the host's loopback appears as 10.0.2.2, the host
as a container on the network sees it, as slirp4netns showed it before.

The holder drops a container's ports when its init exits (the pidfd), so a
monitor that died without its clean-up leaves no port taken; ``remove``
drops them at once. A UDP port is proxied too, one connected socket per
client (``udpflows``); for a container on slirp4netns (``port_handler=
rootlesskit``, through the container's own namespace) UDP stays slirp4netns's.

This module is the client's half (``attach``), light to import;
``portserver`` is the holder's.

Standard library only.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

SOCKET_NAME = "ports.sock"
REPLY_TIMEOUT = 10.0


class PortProxyError(Exception):
    """The holder refused or did not answer; the message is for the user."""


def socket_path(rundir: Path) -> Path:
    return rundir / SOCKET_NAME


def _request(rundir: Path, header: dict[str, object], fds: list[int]) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC) as s:
        s.settimeout(REPLY_TIMEOUT)
        s.connect(str(socket_path(rundir)))
        socket.send_fds(s, [json.dumps(header).encode()], fds)
        answer = s.recv(4096).decode(errors="replace")
    if answer != "ok":
        raise PortProxyError(answer.removeprefix("error: ") or "the port proxy did not answer")


def clear(rundir: Path, container_id: str) -> bool:
    """Drop whatever a previous run of the container left with the holder (its
    clean-up missed: those sockets would hold the ports this run binds), and say
    whether the holder proxies ports at all: one started by an older hutch does
    not, and then the ports stay slirp4netns host forwards. One request for both."""
    try:
        _request(rundir, {"op": "remove", "id": container_id}, [])
    except (OSError, PortProxyError):
        return False
    return True


def add(
    rundir: Path,
    container_id: str,
    pidfd: int,
    forwards: list[tuple[socket.socket, str, int]],
    netns: int = -1,
) -> None:
    """Hand the holder listening sockets and where each goes (address, port).

    ``netns``: a descriptor of the container's network namespace, for a container
    that is not on a user network (slirp4netns with port_handler=rootlesskit):
    the holder connects from inside it, to the container's own address.
    """
    header: dict[str, object] = {
        "op": "add",
        "id": container_id,
        "targets": [[address, port] for _sock, address, port in forwards],
        "netns": netns >= 0,
    }
    own = [netns] if netns >= 0 else []
    _request(rundir, header, [pidfd, *own, *(s.fileno() for s, _a, _p in forwards)])


def remove(rundir: Path, container_id: str) -> None:
    """Drop a container's ports (closes its listeners and its connections)."""
    _request(rundir, {"op": "remove", "id": container_id}, [])


def listen(host_ip: str, port: int, protocol: str = "tcp") -> socket.socket:
    """A published socket of the caller's (the host's) namespace, as podman binds:
    all IPv4 addresses unless ``host_ip`` names one. TCP listens; UDP is bound
    (without SO_REUSEADDR, which would let a second one share the port)."""
    address = host_ip or "0.0.0.0"
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    udp = protocol == "udp"
    s = socket.socket(
        family, (socket.SOCK_DGRAM if udp else socket.SOCK_STREAM) | socket.SOCK_CLOEXEC
    )
    try:
        if not udp:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((address, port))
        if not udp:
            s.listen(socket.SOMAXCONN)
    except BaseException:
        s.close()
        raise
    return s

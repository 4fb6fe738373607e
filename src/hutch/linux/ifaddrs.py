"""The interface addresses of this network namespace (one RTM_GETADDR dump).

``network create --subnet`` refuses a subnet that overlaps one of them, as podman
does ("already used on the host"): podman reads the host's interface addresses
with their masks (127.0.0.1/8 is 127.0.0.0/8). One netlink dump on a plain socket
(rtnetlink(7)) asks for them all; the replies are parsed with ``struct`` here
rather than through a library, as ``rtnl.py`` builds its requests.

The socket is ``_socket``'s, the C module under ``socket``: create and run name the
host's address in /etc/hosts (host.containers.internal), and ``socket`` (with
``selectors`` and ``enum``) would add to their start-up what one netlink socket
does not need (issue 16).
"""

from __future__ import annotations

import _socket
import ipaddress
import struct

NETLINK_ROUTE = 0  # rtnl.py's, which imports ``socket``

RTM_GETADDR = 22
RTM_NEWADDR = 20
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
IFA_ADDRESS = 1
IFA_LOCAL = 2

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port
_IFADDR = struct.Struct("=BBBBI")  # ifaddrmsg: family, prefix length, flags, scope, index
_ATTR = struct.Struct("=HH")  # rtattr: length, type

Subnet = ipaddress.IPv4Network | ipaddress.IPv6Network
Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface


def host_subnets() -> list[Subnet]:
    """The subnet of every address of every interface here (IPv4 and IPv6)."""
    return [i.network for i in host_interfaces()]


def local_ip(exclude: tuple[str, ...] = ()) -> str:
    """The host's address as podman picks it for host.containers.internal: the first
    global unicast IPv4 address of an interface here, else the first such IPv6 one,
    else "" (podman's rule: private ranges count, loopback and link-local do not).
    ``exclude``: addresses the container itself has, which would lead it back to
    itself (podman leaves out the ones its network helper gave the container)."""
    try:
        found = [i.ip for i in host_interfaces()]
    except OSError:
        return ""
    usable = [
        ip
        for ip in found
        if not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)
        and str(ip) != "255.255.255.255"
        and str(ip) not in exclude
    ]
    v4 = [ip for ip in usable if ip.version == 4]
    return str((v4 or usable or [""])[0])


def host_interfaces() -> list[Interface]:
    """Every address of every interface here (IPv4 and IPv6) with its prefix, in the
    kernel's order."""
    sock = _socket.socket(
        _socket.AF_NETLINK, _socket.SOCK_RAW | _socket.SOCK_CLOEXEC, NETLINK_ROUTE
    )
    try:
        sock.bind((0, 0))
        body = _IFADDR.pack(_socket.AF_UNSPEC, 0, 0, 0, 0)
        sock.send(
            _HEADER.pack(_HEADER.size + len(body), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
            + body
        )
        out: list[Interface] = []
        while True:
            done, found = parse_dump(sock.recv(65536))
            out.extend(found)
            if done:
                return out
    finally:
        sock.close()


def parse_dump(reply: bytes) -> tuple[bool, list[Interface]]:
    """The addresses in one read of the dump, and whether it was the last (NLMSG_DONE)."""
    out: list[Interface] = []
    offset = 0
    while offset + _HEADER.size <= len(reply):
        length, kind, _flags, _seq, _port = _HEADER.unpack_from(reply, offset)
        if length < _HEADER.size:
            break
        if kind in (NLMSG_DONE, NLMSG_ERROR):
            return True, out
        if kind == RTM_NEWADDR:
            found = _interface(reply[offset + _HEADER.size : offset + length])
            if found is not None:
                out.append(found)
        offset += (length + 3) & ~3
    return False, out


def _interface(body: bytes) -> Interface | None:
    """The address of one RTM_NEWADDR (its IFA_LOCAL, else IFA_ADDRESS, with its prefix)."""
    family, prefix, _flags, _scope, _index = _IFADDR.unpack_from(body)
    size = {_socket.AF_INET: 4, _socket.AF_INET6: 16}.get(family)
    if size is None:
        return None
    found: dict[int, bytes] = {}
    offset = _IFADDR.size
    while offset + _ATTR.size <= len(body):
        length, kind = _ATTR.unpack_from(body, offset)
        if length < _ATTR.size:
            break
        found[kind] = body[offset + _ATTR.size : offset + length]
        offset += (length + 3) & ~3
    # on a point-to-point link IFA_ADDRESS is the peer's: the local one is ours
    raw = found.get(IFA_LOCAL) or found.get(IFA_ADDRESS)
    if raw is None or len(raw) != size:
        return None
    return ipaddress.ip_interface((ipaddress.ip_address(raw), prefix))

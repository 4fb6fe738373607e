"""The subnets of this network namespace's interface addresses (one RTM_GETADDR dump).

``network create --subnet`` refuses a subnet that overlaps one of them, as podman
does ("already used on the host"): podman reads the host's interface addresses
with their masks (127.0.0.1/8 is 127.0.0.0/8). One netlink dump on a plain socket
(rtnetlink(7)) asks for them all; the replies are parsed with ``struct`` here
rather than through a library, as ``rtnl.py`` builds its requests.
"""

from __future__ import annotations

import ipaddress
import socket
import struct

from hutch.linux.rtnl import NETLINK_ROUTE

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


def host_subnets() -> list[Subnet]:
    """The subnet of every address of every interface here (IPv4 and IPv6)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE)
    try:
        sock.bind((0, 0))
        body = _IFADDR.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
        sock.send(
            _HEADER.pack(_HEADER.size + len(body), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
            + body
        )
        out: list[Subnet] = []
        while True:
            done, found = parse_dump(sock.recv(65536))
            out.extend(found)
            if done:
                return out
    finally:
        sock.close()


def parse_dump(reply: bytes) -> tuple[bool, list[Subnet]]:
    """The subnets in one read of the dump, and whether it was the last (NLMSG_DONE)."""
    out: list[Subnet] = []
    offset = 0
    while offset + _HEADER.size <= len(reply):
        length, kind, _flags, _seq, _port = _HEADER.unpack_from(reply, offset)
        if length < _HEADER.size:
            break
        if kind in (NLMSG_DONE, NLMSG_ERROR):
            return True, out
        if kind == RTM_NEWADDR:
            subnet = _subnet(reply[offset + _HEADER.size : offset + length])
            if subnet is not None:
                out.append(subnet)
        offset += (length + 3) & ~3
    return False, out


def _subnet(body: bytes) -> Subnet | None:
    """The subnet of one RTM_NEWADDR (its IFA_LOCAL, else IFA_ADDRESS, with its prefix)."""
    family, prefix, _flags, _scope, _index = _IFADDR.unpack_from(body)
    size = {socket.AF_INET: 4, socket.AF_INET6: 16}.get(family)
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
    return ipaddress.ip_network((socket.inet_ntop(family, raw), prefix), strict=False)

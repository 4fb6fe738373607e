"""The few rtnetlink requests a user-defined network needs, on a plain socket.

Attaching a container to a user-defined network is a handful of requests to
the kernel: make a bridge, make a veth pair with one end in the container's
namespace, set links up, rename them, give them addresses and a default
route. pyroute2 does all that and much more, but importing it costs more
than the whole rest of a ``run`` (0.9: asyncio and ~290 modules, about
0.12 s of CPU before the first request); these requests are a few dozen
bytes each, so they are built here with ``struct`` (rtnetlink(7)).

Each call sends one request with NLM_F_ACK and waits for its answer: the
kernel's error code, raised as ``OSError`` with that errno (EEXIST, ENODEV
...), as a failed system call would be.
"""

from __future__ import annotations

import os
import socket
import struct

# netlink(7), rtnetlink(7), <linux/if_link.h>, <linux/if_addr.h>, <linux/rtnetlink.h>
NETLINK_ROUTE = 0
NLMSG_ERROR = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_NEWADDR = 20
RTM_NEWROUTE = 24
IFF_UP = 0x1
IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_MASTER = 10
IFLA_LINKINFO = 18
IFLA_NET_NS_FD = 28
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2
VETH_INFO_PEER = 1
IFA_ADDRESS = 1
IFA_LOCAL = 2
IFA_FLAGS = 8
IFA_F_NODAD = 0x02
RTA_DST = 1
RTA_OIF = 4
RTA_GATEWAY = 5
RTA_PRIORITY = 6  # the route's metric
RT_TABLE_MAIN = 254
RTPROT_BOOT = 3
RT_SCOPE_UNIVERSE = 0
RTN_UNICAST = 1

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port
_IFINFO = struct.Struct("=BxHiII")  # ifinfomsg: family, type, index, flags, change
_IFADDR = struct.Struct("=BBBBI")  # ifaddrmsg: family, prefix length, flags, scope, index
_RTMSG = struct.Struct("=BBBBBBBBI")  # rtmsg


def attr(kind: int, payload: bytes) -> bytes:
    """One rtattr (length, type, payload), padded to 4 bytes."""
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def u32(value: int) -> bytes:
    return struct.pack("=I", value)


def name(text: str) -> bytes:
    return text.encode() + b"\0"


def ifinfo(index: int = 0, up: bool | None = None) -> bytes:
    """An ifinfomsg; ``up`` True/False sets IFF_UP, None leaves the flags alone."""
    flags = IFF_UP if up else 0
    change = 0 if up is None else IFF_UP
    return _IFINFO.pack(socket.AF_UNSPEC, 0, index, flags, change)


def message(kind: int, flags: int, body: bytes, sequence: int) -> bytes:
    return (
        _HEADER.pack(_HEADER.size + len(body), kind, NLM_F_REQUEST | NLM_F_ACK | flags, sequence, 0)
        + body
    )


def error_of(reply: bytes, sequence: int) -> int | None:
    """The errno of the answer to ``sequence`` in ``reply`` (0: done), None if not in it."""
    offset = 0
    while offset + _HEADER.size <= len(reply):
        length, kind, _flags, seq, _port = _HEADER.unpack_from(reply, offset)
        if length < _HEADER.size:
            break
        if kind == NLMSG_ERROR and seq == sequence:
            code: int = struct.unpack_from("=i", reply, offset + _HEADER.size)[0]
            return -code
        offset += (length + 3) & ~3
    return None


def address_bytes(address: str) -> tuple[int, bytes]:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return family, socket.inet_pton(family, address)


def mac_bytes(mac: str) -> bytes:
    return bytes(int(part, 16) for part in mac.split(":"))


class Rtnl:
    """A NETLINK_ROUTE socket of the network namespace this thread is in when made."""

    def __init__(self) -> None:
        self._sock = socket.socket(
            socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE
        )
        self._sock.bind((0, 0))
        self._sequence = 0

    def __enter__(self) -> Rtnl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sock.close()

    def request(self, kind: int, body: bytes, flags: int = 0) -> None:
        """Send one request and raise OSError with the kernel's errno if it failed."""
        self._sequence += 1
        self._sock.send(message(kind, flags, body, self._sequence))
        while True:
            code = error_of(self._sock.recv(65536), self._sequence)
            if code is None:
                continue  # not the answer to this request (nothing else is asked)
            if code:
                raise OSError(code, os.strerror(code))
            return

    def index(self, ifname: str) -> int | None:
        """The index of a link of this namespace, or None."""
        try:
            return socket.if_nametoindex(ifname)
        except OSError:
            return None

    def add_bridge(self, ifname: str) -> None:
        info = attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, name("bridge")))
        body = ifinfo() + attr(IFLA_IFNAME, name(ifname)) + info
        self.request(RTM_NEWLINK, body, NLM_F_CREATE | NLM_F_EXCL)

    def add_veth(self, ifname: str, peer: str, peer_netns_fd: int) -> None:
        """A veth pair: ``ifname`` here, ``peer`` in the namespace of ``peer_netns_fd``."""
        peer_body = (
            ifinfo() + attr(IFLA_IFNAME, name(peer)) + attr(IFLA_NET_NS_FD, u32(peer_netns_fd))
        )
        data = attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer_body))
        info = attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, name("veth")) + data)
        body = ifinfo() + attr(IFLA_IFNAME, name(ifname)) + info
        self.request(RTM_NEWLINK, body, NLM_F_CREATE | NLM_F_EXCL)

    def set_link(
        self,
        index: int,
        *,
        up: bool | None = None,
        ifname: str = "",
        mac: str = "",
        mtu: int = 0,
        master: int = 0,
    ) -> None:
        attrs = b""
        if ifname:
            attrs += attr(IFLA_IFNAME, name(ifname))
        if mac:
            attrs += attr(IFLA_ADDRESS, mac_bytes(mac))
        if mtu:
            attrs += attr(IFLA_MTU, u32(mtu))
        if master:
            attrs += attr(IFLA_MASTER, u32(master))
        self.request(RTM_NEWLINK, ifinfo(index, up) + attrs)

    def delete_link(self, index: int) -> None:
        self.request(RTM_DELLINK, ifinfo(index))

    def add_address(self, index: int, address: str, prefix: int, nodad: bool = False) -> None:
        family, raw = address_bytes(address)
        attrs = attr(IFA_LOCAL, raw) + attr(IFA_ADDRESS, raw)
        if nodad:
            attrs += attr(IFA_FLAGS, u32(IFA_F_NODAD))
        body = _IFADDR.pack(family, prefix, 0, RT_SCOPE_UNIVERSE, index) + attrs
        self.request(RTM_NEWADDR, body, NLM_F_CREATE | NLM_F_EXCL)

    def add_default_route(self, gateway: str, index: int) -> None:
        self.add_route("", 0, gateway, index)

    def add_route(
        self, destination: str, prefix: int, gateway: str, index: int, metric: int = 0
    ) -> None:
        """``ip route add DESTINATION/PREFIX via GATEWAY dev INDEX [metric M]``;
        an empty destination is the default route."""
        family, raw = address_bytes(gateway)
        head = _RTMSG.pack(
            family, prefix, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0
        )
        body = head + attr(RTA_GATEWAY, raw) + attr(RTA_OIF, u32(index))
        if destination:
            body += attr(RTA_DST, address_bytes(destination)[1])
        if metric:
            body += attr(RTA_PRIORITY, u32(metric))
        self.request(RTM_NEWROUTE, body, NLM_F_CREATE | NLM_F_EXCL)

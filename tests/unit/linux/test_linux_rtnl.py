"""linux/rtnl.py: the request bytes, and the requests against a real kernel.

The second half runs in a child that unshares a user, a network and a
mount namespace of its own (no root needed; /sys mounted again to show the
new network namespace), makes a bridge and a veth pair the
way a user-defined network does, and reads the result back from /sys and
/proc, which do not go through rtnl.py.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import struct
from pathlib import Path

from hutch.linux import rtnl
from hutch.linux import syscalls as sc


def test_attributes_are_padded_to_four_bytes() -> None:
    assert rtnl.attr(3, b"ab") == struct.pack("=HH", 6, 3) + b"ab\0\0"
    assert rtnl.attr(3, b"abcd") == struct.pack("=HH", 8, 3) + b"abcd"
    assert rtnl.name("eth0") == b"eth0\0"


def test_a_message_is_a_request_asking_for_an_ack() -> None:
    body = rtnl.ifinfo(7, up=True)
    raw = rtnl.message(rtnl.RTM_NEWLINK, rtnl.NLM_F_CREATE, body, 42)
    length, kind, flags, sequence, port = struct.unpack_from("=IHHII", raw)
    assert (length, kind, sequence, port) == (16 + len(body), rtnl.RTM_NEWLINK, 42, 0)
    assert flags == rtnl.NLM_F_REQUEST | rtnl.NLM_F_ACK | rtnl.NLM_F_CREATE
    family, _kind, index, iff, change = struct.unpack_from("=BxHiII", raw, 16)
    assert (family, index, iff, change) == (socket.AF_UNSPEC, 7, rtnl.IFF_UP, rtnl.IFF_UP)
    # None leaves the flags alone: no change mask
    assert struct.unpack_from("=BxHiII", rtnl.ifinfo(7))[3:] == (0, 0)
    assert struct.unpack_from("=BxHiII", rtnl.ifinfo(7, up=False))[3:] == (0, rtnl.IFF_UP)


def _error(sequence: int, code: int) -> bytes:
    return struct.pack("=IHHII", 20, rtnl.NLMSG_ERROR, 0, sequence, 0) + struct.pack("=i", -code)


def test_the_answer_is_found_by_its_sequence() -> None:
    reply = _error(3, 0) + _error(4, errno.EEXIST)
    assert rtnl.error_of(reply, 3) == 0
    assert rtnl.error_of(reply, 4) == errno.EEXIST
    assert rtnl.error_of(reply, 5) is None
    assert rtnl.error_of(b"", 1) is None


def test_addresses_and_macs() -> None:
    assert rtnl.address_bytes("10.1.2.3") == (socket.AF_INET, bytes([10, 1, 2, 3]))
    family, raw = rtnl.address_bytes("fd00::1")
    assert family == socket.AF_INET6 and len(raw) == 16
    assert rtnl.mac_bytes("02:00:0a:ff:00:01") == bytes([2, 0, 10, 255, 0, 1])


def _read_back(bridge: int, eth: int) -> dict[str, object]:
    """The same links as pyroute2 (a test dependency only: hutch no longer imports
    it, README "Dependencies and why") decodes the kernel's answers."""
    from pyroute2 import IPRoute

    with IPRoute() as ipr:
        link = ipr.get_links(eth)[0]
        return {
            "name": link.get("IFLA_IFNAME"),
            "address": link.get("IFLA_ADDRESS"),
            "up": bool(link["flags"] & 1),
            "addresses": sorted(
                f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}" for a in ipr.get_addr(index=eth)
            ),
            "bridge_kind": ipr.get_links(bridge)[0].get_nested("IFLA_LINKINFO", "IFLA_INFO_KIND"),
        }


def _in_own_namespaces() -> dict[str, object]:
    """Build a bridge and a veth pair in a fresh namespace; report what /sys says."""
    sys_net = Path("/sys/class/net")
    out: dict[str, object] = {}
    with rtnl.Rtnl() as ip:
        ip.add_bridge("hbr0")
        try:
            ip.add_bridge("hbr0")
        except OSError as exc:
            out["again"] = exc.errno
        bridge = ip.index("hbr0")
        assert bridge is not None
        ip.add_address(bridge, "10.89.7.1", 24)
        ip.add_address(bridge, "fd77::1", 64, nodad=True)
        ip.set_link(bridge, up=True)
        fd = os.open("/proc/self/ns/net", os.O_RDONLY)
        ip.add_veth("vhost0", "vpeer0", fd)  # the peer into "another" namespace: this one
        os.close(fd)
        host = ip.index("vhost0")
        peer = ip.index("vpeer0")
        assert host is not None and peer is not None
        ip.set_link(host, mtu=1400)
        ip.set_link(host, master=bridge, up=True)
        ip.set_link(peer, ifname="eth5", mac="02:00:0a:59:07:02")
        ip.add_address(peer, "10.89.7.2", 24)
        ip.set_link(peer, up=True)
        ip.add_default_route("10.89.7.1", peer)
        out["master"] = os.path.basename(os.readlink(sys_net / "vhost0" / "master"))
        out["mtu"] = (sys_net / "vhost0" / "mtu").read_text().strip()
        out["mac"] = (sys_net / "eth5" / "address").read_text().strip()
        out["peer_gone"] = not (sys_net / "vpeer0").exists()
        out["up"] = int((sys_net / "eth5" / "flags").read_text(), 16) & 1
        out["routes"] = Path("/proc/net/route").read_text().splitlines()[1:]
        out["inet6"] = Path("/proc/net/if_inet6").read_text().splitlines()
        out["eth5"] = ip.index("eth5")
        out["pyroute2"] = _read_back(bridge, ip.index("eth5") or 0)
        ip.delete_link(host)  # takes its peer with it
        out["after_delete"] = [ip.index("vhost0"), ip.index("eth5")]
    return out


def test_links_addresses_and_routes_in_a_real_namespace() -> None:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read)
            sc.unshare(sc.CLONE_NEWUSER | sc.CLONE_NEWNET | sc.CLONE_NEWNS)
            # /sys shows the network namespace of whoever mounted it: a fresh one
            sc.mount("none", "/", None, sc.MS_REC | sc.MS_PRIVATE)
            sc.mount("sysfs", "/sys", "sysfs", 0)
            os.write(write, json.dumps(_in_own_namespaces()).encode())
            code = 0
        except BaseException as exc:
            os.write(write, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        report = json.loads(f.read() or b"{}")
    os.waitpid(child, 0)
    assert "error" not in report, report
    assert report["again"] == errno.EEXIST
    assert report["master"] == "hbr0"
    assert report["mtu"] == "1400"
    assert report["mac"] == "02:00:0a:59:07:02"
    assert report["peer_gone"] and report["up"] == 1
    default = [r.split() for r in report["routes"] if r.split()[1] == "00000000"]
    # gateway 10.89.7.1 in /proc's little-endian hex, on eth5
    assert default and default[0][0] == "eth5" and default[0][2] == "0107590A"
    bridge_v6 = [line.split() for line in report["inet6"] if line.split()[-1] == "hbr0"]
    assert any(f[0] == "fd770000000000000000000000000001" for f in bridge_v6)
    # IFA_F_NODAD: never "tentative" (0x40), so usable at once
    assert all(not int(f[4], 16) & 0x40 for f in bridge_v6 if f[0].startswith("fd77"))
    assert report["after_delete"] == [None, None]
    seen = report["pyroute2"]
    assert seen["name"] == "eth5" and seen["address"] == "02:00:0a:59:07:02" and seen["up"]
    assert "10.89.7.2/24" in seen["addresses"]
    assert seen["bridge_kind"] == "bridge"

"""Connecting a container's network namespace to user-defined networks.

    python -m hutch.net.attach attach|detach|disconnect JSON

Run by the container's monitor at the init's "namespaces" stage in a child
forked from it (``runtime/nethelper.py``), and by ``network connect`` and
``disconnect`` as a process of its own: never in a long-lived process, since
it enters other namespaces, which the monitor must not. It is root of the
session user namespace, so it may enter both the rootless network namespace
(which owns the bridges) and the container's. Standard library only: the
links, addresses and routes are rtnetlink requests of ``linux/rtnl.py``.

``attach``: per network, make sure the bridge (``hutchN``, gateway address,
up) and its nftables table exist, then a veth pair with one end on the
bridge and the other moved into the container, renamed ``ethN``, given its
address and MAC, and (first network only) the default route. Published
ports are sockets made here, in the host's namespace, and handed to the
rootless namespace's port proxy (``hutch.net.portproxy``), which keeps the
client's address; should the holder predate the proxy, they become
slirp4netns host forwards to the namespace plus a DNAT rule to the
container, which ``detach`` removes again (the veth pairs vanish with the
container's namespace; the proxy drops its sockets when the init exits).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
from pathlib import Path

from hutch.linux import procfs
from hutch.linux import syscalls as sc
from hutch.linux.rtnl import Rtnl
from hutch.net import nftrules, portproxy, rootless
from hutch.util.tools import find_tool

TYPE_CHECKING = False  # typing: no import of the helper forked on a run's path; mypy alike
if TYPE_CHECKING:
    from typing import Any

# The MTU of a network without ``-o mtu=``: every link between a container and the
# outside is virtual here (veth, bridge, the tap of the rootless namespace's
# slirp4netns, which runs with --mtu 65520), so 1500-byte frames only multiply
# the packets slirp4netns handles one by one in user space; see the README's
# performance section for the throughput each gives.
DEFAULT_MTU = 65520


class AttachError(Exception):
    pass


def _nft(text: str) -> None:
    import subprocess  # only where a table is written: not for a TCP-only container

    proc = subprocess.run([find_tool("nft"), "-f", "-"], input=text, text=True, capture_output=True)
    if proc.returncode != 0:
        raise AttachError(f"nft failed: {proc.stderr.strip()}")


def _veth_names(container_id: str, a: dict[str, Any]) -> tuple[str, str]:
    """By the attachment's position, not its interface (an interface_name may be
    15 characters, which the prefix would push over the kernel's limit)."""
    pos = a.get("position", -1)
    if pos is None or pos < 0:
        pos = a["interface"].removeprefix("eth")  # a spec written before positions
    return f"v{container_id[:10]}{pos}", f"p{container_id[:10]}{pos}"


def _ensure_bridge(ip: Rtnl, a: dict[str, Any], rundir: Path) -> int:
    """The network's bridge, up, with its gateway addresses and its nftables table.

    Only the attach that makes the bridge loads the table (one ``nft`` less
    on every other run), under a lock per bridge so that a second attach
    never sees a bridge whose rules are not there yet; a bridge whose rules
    failed is deleted again, so the next attach starts over. ``network rm``
    removes both.
    """
    import fcntl

    locks = rundir / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"bridge-{a['bridge']}", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        index = ip.index(a["bridge"])
        if index is not None:
            return index
        ip.add_bridge(a["bridge"])
        index = ip.index(a["bridge"])
        if index is None:
            raise AttachError(f"cannot create the bridge {a['bridge']}")
        try:
            if a["gateway"]:  # none on a network without IPAM: no address, no rules
                _add_address(ip, index, a["gateway"], a["prefix"])
            if a.get("gateway6"):
                _add_address(ip, index, a["gateway6"], a["prefix6"])
            ip.set_link(index, up=True)
            if a["subnet"]:
                _nft(nftrules.network_rules(a["bridge"], a["subnet"], a["internal"]))
        except BaseException:
            with contextlib.suppress(OSError):
                ip.delete_link(index)
            raise
        return index


def _add_address(ip: Rtnl, index: int, address: str, prefix: int) -> None:
    """Add an address (present already is fine); IPv6 ones skip duplicate address
    detection, which would keep them unusable ("tentative") for a second or more."""
    try:
        ip.add_address(index, address, prefix, nodad=":" in address)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise


def _outer(container_id: str, attachments: list[dict[str, Any]], ctr_fd: int, rundir: Path) -> None:
    """In the rootless namespace: bridges, rules, veth pairs (peer into the container)."""
    with Rtnl() as ip:
        for a in attachments:
            bridge = _ensure_bridge(ip, a, rundir)
            host, peer = _veth_names(container_id, a)
            stale = ip.index(host)
            if stale is not None:
                ip.delete_link(stale)  # of a previous run whose namespace is not gone yet
            try:
                ip.add_veth(host, peer, ctr_fd)
            except OSError as exc:
                raise AttachError(f"cannot create the veth pair {host}: {exc}") from exc
            index = ip.index(host)
            if index is None:
                raise AttachError(f"cannot create the veth pair {host}")
            ip.set_link(index, mtu=a.get("mtu") or DEFAULT_MTU)
            ip.set_link(index, master=bridge, up=True)


def _inner(container_id: str, attachments: list[dict[str, Any]]) -> None:
    """In the container's namespace: lo, then each interface and the default route."""
    with Rtnl() as ip:
        lo = ip.index("lo")
        if lo is not None:
            ip.set_link(lo, up=True)
        for a in attachments:
            _host, peer = _veth_names(container_id, a)
            index = ip.index(peer)
            if index is None:
                raise AttachError(f"the veth end {peer} did not reach the container")
            ip.set_link(index, ifname=a["interface"], mac=a["mac"])
            ip.set_link(index, mtu=a.get("mtu") or DEFAULT_MTU)
            if a["address"]:  # none on a network without IPAM (--ipam-driver none)
                ip.add_address(index, a["address"], a["prefix"])
            if a.get("address6"):
                _add_address(ip, index, a["address6"], a["prefix6"])
            ip.set_link(index, up=True)
            if a.get("default_route"):
                ip.add_default_route(a["gateway"], index)
                if a.get("gateway6"):
                    ip.add_default_route(a["gateway6"], index)
            for destination, gateway, metric in a.get("routes") or ():
                net, _, prefix = destination.partition("/")
                try:
                    ip.add_route(net, int(prefix), gateway, index, metric)
                except OSError as exc:
                    raise AttachError(
                        f"cannot add route {destination} via {gateway}: {exc}"
                    ) from exc


def _publish(rundir: Path, container_id: str, address: str, ports: list[dict[str, Any]]) -> None:
    _unpublish(rundir, container_id)
    if not ports:
        return
    ids: list[int] = []
    path = rootless.forwards_file(rundir, container_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        for p in ports:
            reply = rootless.slirp_request(
                rundir,
                {
                    "execute": "add_hostfwd",
                    "arguments": {
                        "proto": p["protocol"],
                        "host_addr": p["host_ip"] or "0.0.0.0",
                        "host_port": p["host_port"],
                        "guest_addr": rootless.SLIRP_ADDRESS,
                        "guest_port": p["host_port"],
                    },
                },
            )
            if "error" in reply:
                err = reply["error"]
                desc = err.get("desc", err) if isinstance(err, dict) else err
                raise AttachError(f"cannot publish port {p['host_port']}/{p['protocol']}: {desc}")
            ret = reply.get("return", {})
            ids.append(int(ret["id"]) if isinstance(ret, dict) else 0)
    finally:
        path.write_text(json.dumps(ids))
    forwards = [
        nftrules.Forward(p["protocol"], p["host_port"], address, p["container_port"]) for p in ports
    ]
    _nft(nftrules.port_rules(container_id, forwards))


def _unpublish(rundir: Path, container_id: str) -> None:
    path = rootless.forwards_file(rundir, container_id)
    try:
        ids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    for ident in ids:
        with contextlib.suppress(OSError):
            rootless.slirp_request(
                rundir, {"execute": "remove_hostfwd", "arguments": {"id": ident}}
            )
    with contextlib.suppress(AttachError):
        _nft(nftrules.delete_table(nftrules.container_table(container_id)))
    path.unlink(missing_ok=True)


def _enter(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sc.setns(fd, sc.CLONE_NEWNET)
    finally:
        os.close(fd)


def _listeners(
    rundir: Path, container_id: str, ports: list[dict[str, Any]]
) -> list[tuple[socket.socket, dict[str, Any]]]:
    """The proxy's published sockets for ``ports``, made here in the host's
    namespace; none when the holder has no proxy (it predates it)."""
    if not ports or not portproxy.clear(rundir, container_id):
        return []
    made: list[tuple[socket.socket, dict[str, Any]]] = []
    try:
        for p in ports:
            try:
                made.append((portproxy.listen(p["host_ip"], p["host_port"], p["protocol"]), p))
            except OSError as exc:
                raise AttachError(
                    f"cannot publish port {p['host_port']}/{p['protocol']}: {exc.strerror or exc}"
                ) from exc
    except BaseException:
        for s, _p in made:
            s.close()
        raise
    return made


def attach(req: dict[str, Any]) -> None:
    rundir = Path(req["rundir"])
    container_id = req["container_id"]
    ctr_fd = os.open(req["netns"], os.O_RDONLY | os.O_CLOEXEC)
    attachments = req["attachments"]
    ports = (req.get("ports") or []) if attachments else []
    proxied = _listeners(rundir, container_id, ports)
    # the init is the container's run: the proxy drops its ports when it exits
    pidfd = os.pidfd_open(req["pid"]) if proxied else -1
    _enter(rootless.netns_path(rundir))
    _outer(container_id, attachments, ctr_fd, rundir)
    if ports:
        address = attachments[0]["address"]
        forwarded = [p for p in ports if not any(p is q for _s, q in proxied)]
        _publish(rundir, container_id, address, forwarded)
        if proxied:
            _hand_over(rundir, container_id, pidfd, proxied, address)
    sc.setns(ctr_fd, sc.CLONE_NEWNET)
    _inner(req["container_id"], attachments)
    procfs.allow_ping()


def proxy(req: dict[str, Any]) -> None:
    """slirp4netns with port_handler=rootlesskit: the TCP ports to the rootless
    namespace's port proxy, which connects from inside the container's namespace."""
    rundir = Path(req["rundir"])
    container_id = req["container_id"]
    made = _listeners(rundir, container_id, req["ports"])
    if not made:
        raise AttachError(
            "the rootless network namespace has no port proxy (an older hutch started "
            "it): `hutch system migrate` restarts it"
        )
    netns = os.open(req["netns"], os.O_RDONLY | os.O_CLOEXEC)
    _hand_over(rundir, container_id, os.pidfd_open(req["pid"]), made, req["address"], netns)


def _hand_over(
    rundir: Path,
    container_id: str,
    pidfd: int,
    made: list[tuple[socket.socket, dict[str, Any]]],
    address: str,
    netns: int = -1,
) -> None:
    """Give the proxy the listeners (to ``address``); ours close whatever happens,
    since the holder has its own copies of the descriptors once it answered."""
    try:
        forwards = [(s, address, int(p["container_port"])) for s, p in made]
        portproxy.add(rundir, container_id, pidfd, forwards, netns=netns)
    except (OSError, portproxy.PortProxyError) as exc:
        raise AttachError(f"cannot publish the container's TCP ports: {exc}") from exc
    finally:
        for s, _p in made:
            s.close()
        for fd in (pidfd, netns):
            if fd >= 0:
                os.close(fd)


def detach(req: dict[str, Any]) -> None:
    rundir = Path(req["rundir"])
    if not rootless.forwards_file(rundir, req["container_id"]).exists():
        return
    with contextlib.suppress(rootless.RootlessNetError):
        _enter(rootless.netns_path(rundir))
        _unpublish(rundir, req["container_id"])


def disconnect(req: dict[str, Any]) -> None:
    _enter(req["netns"])
    with Rtnl() as ip:
        index = ip.index(req["interface"])
        if index is not None:
            ip.delete_link(index)


def main(argv: list[str]) -> int:
    action, raw = argv[0], argv[1]
    req = json.loads(raw)
    try:
        {"attach": attach, "detach": detach, "disconnect": disconnect, "proxy": proxy}[action](req)
    except (AttachError, rootless.RootlessNetError, portproxy.PortProxyError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except Exception as exc:
        sys.stderr.write(f"{action} failed: {type(exc).__name__}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

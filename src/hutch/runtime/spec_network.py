"""The network part of the runtime spec: what the monitor attaches, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

# The private network's layout, the same for pasta and slirp4netns (it is
# slirp4netns's built-in one): the container, the gateway that leads to the
# host's loopback, and the DNS address that forwards to the host's resolver.
PRIVATE_ADDRESS = "10.0.2.100"
PRIVATE_PREFIX = 24
PRIVATE_GATEWAY = "10.0.2.2"
PRIVATE_DNS = "10.0.2.3"


@dataclass(frozen=True)
class PortMapping:
    """One published port: ``host_ip:host_port`` on the host to ``container_port``."""

    host_ip: str
    host_port: int
    container_port: int
    protocol: str = "tcp"  # tcp or udp


@dataclass(frozen=True)
class Attachment:
    """The container on one user-defined network: a veth pair to the network's bridge."""

    network: str
    bridge: str  # the bridge in the rootless network namespace (hutchN)
    interface: str  # the name inside the container (eth0, eth1, ...)
    address: str
    prefix: int
    gateway: str
    subnet: str
    mac: str = ""
    internal: bool = False
    default_route: bool = False
    aliases: tuple[str, ...] = ()  # names the network's DNS answers besides the container's
    mtu: int = 0  # 0: the kernel's default
    address6: str = ""  # dual-stack networks: the IPv6 address, its prefix and gateway
    prefix6: int = 0
    gateway6: str = ""
    # the network's static routes (--route): (destination CIDR, gateway, metric; 0: none)
    routes: tuple[tuple[str, str, int], ...] = ()
    # the network's --dns servers when it has no name server of its own (--disable-dns,
    # --ipam-driver none): the container asks them directly, as with podman
    direct_dns: tuple[str, ...] = ()
    # the store's position of the attachment (its veth pair's names); -1 in a spec
    # written before: the interface is eth<position> there
    position: int = -1


@dataclass(frozen=True)
class NetworkSpec:
    """``mode``: none (only lo), host (no namespace), private (pasta/slirp4netns),
    bridge (user-defined networks: ``attachments``), join (``join`` is the path
    of another network namespace: ``container:NAME`` or ``ns:PATH``)."""

    mode: str = "none"
    backend: str = ""  # pasta or slirp4netns, for the private mode
    # --network slirp4netns:OPTS or pasta:OPTS: the helper's extra flags (slirp4netns's
    # translated from podman's key=value options, pasta's as the user gave them)
    helper_args: tuple[str, ...] = ()
    ports: tuple[PortMapping, ...] = ()
    address: str = PRIVATE_ADDRESS
    gateway: str = PRIVATE_GATEWAY
    dns: str = PRIVATE_DNS
    attachments: tuple[Attachment, ...] = ()
    join: str = ""  # a path to setns() into instead of a new namespace
    join_container: str = ""  # container:NAME: the id whose namespace is joined
    runtime_dir: str = ""  # bridge mode: where the rootless netns is found
    container_id: str = ""  # bridge mode: names the veth pairs and port rules
    # slirp4netns:port_handler=rootlesskit: TCP ports through the rootless network
    # namespace's port proxy (runtime_dir, container_id), as podman's rootlessport
    port_proxy: bool = False


def holds_host_ports(net: NetworkSpec) -> bool:
    """Whether the private network's helper listens on ports of the host: published
    ones, or pasta's own ``-t``/``-u`` among the user's ``pasta:`` options.

    Only such a helper must be gone before ``run`` returns (its ports free for the
    next command). Its exit takes 20 to 60 ms, most of it in the kernel: closing
    the tap device unregisters it, which waits for an RCU barrier; a helper that
    holds no port of the host is told to go and reaped later (runtime/monitor.py).
    Nor is it started ahead of its container (nethelper.EarlyNetwork): a port held
    by a container that this run replaces is free only once create has removed it."""
    if net.mode != "private":
        return False
    ports = ("-t", "--tcp-ports", "-u", "--udp-ports")
    return bool(net.ports) or helper_flag_given(net.helper_args, *ports)


def helper_flag_given(args: tuple[str, ...], *flags: str) -> bool:
    """Whether the user's helper options give one of ``flags`` (``-t`` or ``-t=...``)."""
    return any(arg.partition("=")[0] in flags for arg in args)

"""A network as the engine records and reports it: its subnets, routes and members.

Apart from ``api/networks.py`` (the verbs' options and the protocol, which
re-exports these), as ``api/container_actions.py`` is from ``api/containers.py``:
a run on a user network reads the network's record, and with these alone loads
neither the verbs' option classes nor ``typing`` (the protocol's), about a fifth
of what the network code cost that run (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NetworkSubnet:
    subnet: str  # "10.89.0.0/24"
    gateway: str
    ip_range: str = ""  # addresses are allocated from here when set


@dataclass(frozen=True)
class NetworkRoute:
    """A static route the network's containers get (``--route``)."""

    destination: str  # "192.168.10.0/24"
    gateway: str
    metric: int | None = None


@dataclass(frozen=True)
class NetworkMember:
    container_id: str
    name: str
    address: str
    interface: str
    mac: str
    aliases: tuple[str, ...] = ()
    address6: str = ""  # on a dual-stack network


@dataclass(frozen=True)
class NetworkSummary:
    name: str
    id: str
    driver: str
    bridge: str
    subnets: tuple[NetworkSubnet, ...]
    internal: bool
    ipv6: bool
    dns: bool
    labels: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, str], ...]
    created: float
    members: tuple[NetworkMember, ...] = ()
    ipam_driver: str = "host-local"  # none: no subnets, no addresses
    dns_servers: tuple[str, ...] = ()
    routes: tuple[NetworkRoute, ...] = ()

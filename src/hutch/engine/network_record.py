"""The typed network (``hutch.api.networks.NetworkSummary``) to and from its database row.

The store keeps the columns, the JSON of the settings and the addresses
(IPAM, ``store/networks.py``); what the settings mean is decided here only.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict

from hutch.api.network_records import NetworkRoute, NetworkSubnet, NetworkSummary
from hutch.store.networks import NetworkRow

TYPE_CHECKING = False  # mypy reads it alike
if TYPE_CHECKING:
    from hutch.store.networks import Pool


def decode(row: NetworkRow) -> NetworkSummary:
    """The network of a row, without its members (``engine/networks.summary`` adds them)."""
    cfg = json.loads(row.config)
    return NetworkSummary(
        name=row.name,
        id=row.id,
        driver=row.driver,
        bridge=row.bridge,
        subnets=tuple(NetworkSubnet(**s) for s in cfg["subnets"]),
        internal=bool(cfg.get("internal")),
        ipv6=bool(cfg.get("ipv6")),
        dns=bool(cfg.get("dns", True)),
        labels=tuple((k, v) for k, v in cfg.get("labels", [])),
        options=tuple((k, v) for k, v in cfg.get("options", [])),
        created=row.created,
        ipam_driver=str(cfg.get("ipam_driver", "host-local")),
        dns_servers=tuple(cfg.get("dns_servers", [])),
        routes=tuple(NetworkRoute(**r) for r in cfg.get("routes", [])),
    )


def encode(net: NetworkSummary) -> NetworkRow:
    config = {
        "subnets": [asdict(s) for s in net.subnets],
        "internal": net.internal,
        "ipv6": net.ipv6,
        "dns": net.dns,
        "labels": list(net.labels),
        "options": list(net.options),
        "ipam_driver": net.ipam_driver,
        "dns_servers": list(net.dns_servers),
        "routes": [asdict(r) for r in net.routes],
    }
    return NetworkRow(net.name, net.id, net.driver, net.bridge, json.dumps(config), net.created)


def subnet_of(net: NetworkSummary, version: int) -> NetworkSubnet | None:
    """The network's IPv4 (4) or IPv6 (6) subnet, if it has one."""
    for s in net.subnets:
        if ipaddress.ip_network(s.subnet).version == version:
            return s
    return None


def pools(net: NetworkSummary) -> tuple[Pool | None, Pool | None]:
    """What IPAM hands addresses out of: the IPv4 subnet (else the first) and the IPv6
    one; none at all on a network of ``--ipam-driver none``."""
    if not net.subnets:
        return None, None
    return subnet_of(net, 4) or net.subnets[0], subnet_of(net, 6)

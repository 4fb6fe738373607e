"""What several ``hutch network`` verbs show: the JSON and ``--format`` fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hutch.util.gotemplate import GoTime

if TYPE_CHECKING:
    from hutch.api.networks import NetworkSummary

HEADERS = {"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER"}


def json_of(net: NetworkSummary) -> dict[str, Any]:
    """podman's ``network inspect`` keys (netavark's lower-case ones)."""
    return {
        "name": net.name,
        "id": net.id,
        "driver": net.driver,
        "network_interface": net.bridge,
        "created": GoTime.from_timestamp(net.created, local=True),
        "subnets": [
            {"subnet": s.subnet, "gateway": s.gateway}
            | ({"lease_range": {"start_ip": s.ip_range}} if s.ip_range else {})
            for s in net.subnets
        ],
        "ipv6_enabled": net.ipv6,
        "internal": net.internal,
        "dns_enabled": net.dns,
        "labels": dict(net.labels),
        "options": dict(net.options),
        "ipam_options": {"driver": "host-local"},
        "containers": {
            m.container_id: {
                "name": m.name,
                "interfaces": {
                    m.interface: {
                        "subnets": [{"ipnet": m.address, "gateway": net.subnets[0].gateway}]
                        + [
                            {"ipnet": m.address6, "gateway": s.gateway}
                            for s in net.subnets[1:]
                            if m.address6
                        ],
                        "mac_address": m.mac,
                    }
                },
                "aliases": list(m.aliases),
            }
            for m in net.members
        },
    }


def row(net: NetworkSummary) -> dict[str, Any]:
    """The fields a ``ls --format`` template sees (podman's names)."""
    return {
        "ID": net.id[:12],
        "Name": net.name,
        "Driver": net.driver,
        "Labels": dict(net.labels),
        "Internal": net.internal,
        "IPv6Enabled": net.ipv6,
        "DNSEnabled": net.dns,
        "NetworkInterface": net.bridge,
        "Subnets": ",".join(s.subnet for s in net.subnets),
        "Created": GoTime.from_timestamp(net.created, local=True),
        "Options": dict(net.options),
        "IPAMOptions": {"driver": "host-local"},
    }

"""What several ``hutch network`` verbs show: the JSON and ``--format`` fields."""

from __future__ import annotations

# the package loads its values (and datetime) at the first use: a default table has none
from hutch.util import gotemplate

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.networks import NetworkMember, NetworkRoute, NetworkSubnet, NetworkSummary
    from hutch.util.gotemplate import Struct

HEADERS = {"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER"}


def json_of(net: NetworkSummary, *, members: bool = True) -> dict[str, Any]:
    """podman's ``network inspect`` keys (netavark's lower-case ones); ``members``:
    its ``containers`` too, which inspect shows and ``ls`` (types.Network) does not."""
    out = {
        "name": net.name,
        "id": net.id,
        "driver": net.driver,
        "network_interface": net.bridge,
        "created": gotemplate.GoTime.from_timestamp(net.created, local=True),
        # subnets, routes, network_dns_servers, labels and options are omitempty in
        # podman's types.Network (a network of --ipam-driver none has no subnets)
        **({"subnets": [_subnet_json(s) for s in net.subnets]} if net.subnets else {}),
        **({"routes": [_route_json(r) for r in net.routes]} if net.routes else {}),
        "ipv6_enabled": net.ipv6,
        "internal": net.internal,
        "dns_enabled": net.dns,
        **({"network_dns_servers": list(net.dns_servers)} if net.dns_servers else {}),
        **({"labels": dict(net.labels)} if net.labels else {}),
        **({"options": dict(net.options)} if net.options else {}),
        "ipam_options": {"driver": net.ipam_driver},
        "containers": {
            m.container_id: {
                "name": m.name,
                "interfaces": {m.interface: _interface_json(net, m)},
                "aliases": list(m.aliases),
            }
            for m in net.members
        },
    }
    if not members:
        del out["containers"]
    return out


def _subnet_json(s: NetworkSubnet) -> dict[str, Any]:
    out: dict[str, Any] = {"subnet": s.subnet, "gateway": s.gateway}
    if s.ip_range:
        start, end = lease_range(s.ip_range)
        out["lease_range"] = {"start_ip": start, "end_ip": end}
    return out


def lease_range(ip_range: str) -> tuple[str, str]:
    """podman's LeaseRange of an ``--ip-range`` CIDR: its first address after the
    network's own (the range itself for a /31 or /32) to its last (podman's
    LastIPInSubnet: the broadcast address, which it keeps)."""
    import ipaddress  # here: ``inspect -f`` of a container imports this module

    pool = ipaddress.ip_network(ip_range, strict=False)
    first = pool.network_address + 1 if pool.num_addresses > 2 else pool.network_address
    return str(first), str(pool.broadcast_address)


def inspect_struct(net: NetworkSummary) -> Struct:
    """The ``network inspect --format`` template's value: podman's types.Network with
    its containers (Go's field names: ``{{.Name}}``, ``{{.Subnets}}``), whose
    ``{{json .}}`` has the inspect JSON's keys."""
    data = json_of(net)
    fields = {
        "Name": net.name,
        "ID": net.id,
        "Driver": net.driver,
        "NetworkInterface": net.bridge,
        "Created": data["created"],
        "Subnets": [subnet_struct(s) for s in net.subnets],
        "Routes": [_route_json(r) for r in net.routes],
        "IPv6Enabled": net.ipv6,
        "Internal": net.internal,
        "DNSEnabled": net.dns,
        "NetworkDNSServers": list(net.dns_servers),
        "Labels": dict(net.labels),
        "Options": dict(net.options),
        "IPAMOptions": {"driver": net.ipam_driver},
        "Containers": data["containers"],
    }
    omit = ("Subnets", "Routes", "NetworkDNSServers", "Labels", "Options")
    tags = _GO_TO_JSON | {k: f"{_GO_TO_JSON[k]},omitempty" for k in omit}
    return gotemplate.Struct("types.Network", fields, tags)


_GO_TO_JSON = {
    "Name": "name",
    "ID": "id",
    "Driver": "driver",
    "NetworkInterface": "network_interface",
    "Created": "created",
    "Subnets": "subnets",
    "Routes": "routes",
    "IPv6Enabled": "ipv6_enabled",
    "Internal": "internal",
    "DNSEnabled": "dns_enabled",
    "NetworkDNSServers": "network_dns_servers",
    "Labels": "labels",
    "Options": "options",
    "IPAMOptions": "ipam_options",
    "Containers": "containers",
}


def _route_json(r: NetworkRoute) -> dict[str, Any]:
    metric = {"metric": r.metric} if r.metric is not None else {}
    return {"destination": r.destination, "gateway": r.gateway} | metric


def _interface_json(net: NetworkSummary, m: NetworkMember) -> dict[str, Any]:
    """A member's interface: its addresses (none without IPAM) and MAC."""
    subnets = [{"ipnet": m.address, "gateway": net.subnets[0].gateway}] if m.address else []
    subnets += [{"ipnet": m.address6, "gateway": s.gateway} for s in net.subnets[1:] if m.address6]
    return ({"subnets": subnets} if subnets else {}) | {"mac_address": m.mac}


def row(net: NetworkSummary, no_trunc: bool = False) -> dict[str, Any]:
    """The fields a ``ls --format`` template sees (podman's names); the whole id with
    ``--no-trunc``."""
    return {
        "ID": net.id if no_trunc else net.id[:12],
        "Name": net.name,
        "Driver": net.driver,
        # podman's ListPrintReports.Labels method: "k=v,k2=v2" (over the map's field)
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(net.labels)),
        "Internal": net.internal,
        "IPv6Enabled": net.ipv6,
        "DNSEnabled": net.dns,
        "NetworkInterface": net.bridge,
        "Subnets": [subnet_struct(s) for s in net.subnets],
        "Created": gotemplate.GoTime.from_timestamp(net.created, local=True),
        "Options": dict(net.options),
        "IPAMOptions": {"driver": net.ipam_driver},
        "NetworkDNSServers": list(net.dns_servers),
        "Routes": [_route_json(r) for r in net.routes],
    }


def subnet_struct(subnet: NetworkSubnet) -> Struct:
    """One of ``.Subnets`` as podman's ``types.Subnet``: ``{{.Subnet}}`` prints
    ``10.89.0.0/24`` and ``{{.Gateway}}`` the address, ``{{.Subnets}}`` shows Go's
    fields (``[{{{10.89.0.0 ffffff00}} 10.89.0.1 <nil>}]``), ``{{json .Subnets}}``
    has netavark's keys."""
    import ipaddress

    net = ipaddress.ip_network(subnet.subnet, strict=False)
    mask = net.netmask.packed.hex()
    ipnet = gotemplate.Struct("net.IPNet", {"IP": str(net.network_address), "Mask": mask})
    lease = (
        gotemplate.Struct(
            "*types.LeaseRange",
            dict(zip(("StartIP", "EndIP"), lease_range(subnet.ip_range), strict=True)),
            {"StartIP": "start_ip,omitempty", "EndIP": "end_ip,omitempty"},
        )
        if subnet.ip_range
        else None
    )
    return gotemplate.Struct(
        "types.Subnet",
        {
            "Subnet": gotemplate.Addressed(
                "types.IPNet", subnet.subnet, gotemplate.Struct("types.IPNet", {"IPNet": ipnet})
            ),
            "Gateway": subnet.gateway or None,  # a nil net.IP prints <nil>
            "LeaseRange": lease,
        },
        {"Subnet": "subnet", "Gateway": "gateway,omitempty", "LeaseRange": "lease_range,omitempty"},
    )

"""Networks as Docker shows them (``GET /networks``, ``/networks/{id}``) and Docker's
network request bodies (create, connect, disconnect) -> hutch's options.

Docker always has three networks, ``bridge`` (hutch's private network: a
container's own namespace behind pasta or slirp4netns), ``host`` and
``none``; they are listed from ``predefined`` and cannot be created,
connected, or removed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from hutch.api import network_compat
from hutch.api.errors import InvalidArgument
from hutch.api.networks import (
    NetworkConnectOptions,
    NetworkCreateOptions,
    NetworkDisconnectOptions,
    NetworkSummary,
)
from hutch.service.docker.jsonread import Body
from hutch.service.docker.timefmt import rfc3339

JSON = dict[str, Any]
PREDEFINED = ("bridge", "host", "none")


def _with_prefix(address: str, subnets: list[str]) -> str:
    if not address:
        return ""
    for subnet in subnets:
        network = ipaddress.ip_network(subnet, strict=False)
        if ipaddress.ip_address(address) in network:
            return f"{address}/{network.prefixlen}"
    return address


def network_json(network: NetworkSummary) -> JSON:
    """One network, as list and inspect answer it."""
    subnets = [s.subnet for s in network.subnets]
    config = []
    for s in network.subnets:
        item = {"Subnet": s.subnet, "Gateway": s.gateway}
        if s.ip_range:
            item["IPRange"] = s.ip_range
        config.append(item)
    return {
        "Name": network.name,
        "Id": network.id,
        "Created": rfc3339(network.created),
        "Scope": "local",
        "Driver": network.driver,
        "EnableIPv6": network.ipv6,
        "IPAM": {
            "Driver": network_compat.docker_ipam_name(network.ipam_driver),
            "Options": {},
            "Config": config,
        },
        "Internal": network.internal,
        "Attachable": False,
        "Ingress": False,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": {
            m.container_id: {
                "Name": m.name,
                "EndpointID": "",
                "MacAddress": m.mac,
                "IPv4Address": _with_prefix(m.address, subnets),
                "IPv6Address": _with_prefix(m.address6, subnets),
            }
            for m in network.members
        },
        "Options": dict(network.options),
        "Labels": dict(network.labels),
    }


def predefined(name: str) -> JSON:
    """``bridge``, ``host`` or ``none`` (no members are listed: hutch keeps no record)."""
    return {
        "Name": name,
        "Id": name,
        "Created": "0001-01-01T00:00:00Z",
        "Scope": "local",
        "Driver": {"bridge": "bridge", "host": "host"}.get(name, "null"),
        "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": None, "Config": []},
        "Internal": False,
        "Attachable": False,
        "Ingress": False,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": {},
        "Options": {},
        "Labels": {},
    }


@dataclass(frozen=True)
class NetworkCreate:
    options: NetworkCreateOptions
    warning: str = ""  # the create answer's Warning: the Options hutch leaves out


def network_create_options(body: object) -> NetworkCreate:
    """``POST /networks/create``: Name, Driver, Internal, EnableIPv6, IPAM (Driver,
    Config), Options, Labels (CheckDuplicate and Attachable change nothing here).

    Options other than the mtu and the bridge's name are left out with a warning,
    as podman's compat API does (docker-compose sends Docker's bridge defaults)."""
    request = Body(body, "")
    name = request.text("Name")
    if not name:
        raise InvalidArgument("Name: a network needs a name")
    if name in PREDEFINED:
        raise InvalidArgument(f"{name} is a pre-defined network and cannot be created")
    driver = request.text("Driver") or "bridge"
    if driver != "bridge":
        raise InvalidArgument(f"Driver {driver!r}: the only network driver is bridge")
    if request.flag("Ingress"):
        raise InvalidArgument("Ingress: swarm networks are not supported")
    ipam = request.obj("IPAM")
    ipam_driver = network_compat.ipam_driver(ipam.text("Driver"))
    if ipam_driver is None:
        raise InvalidArgument(
            f"IPAM.Driver {ipam.text('Driver')!r}: use {', '.join(network_compat.IPAM_NAMES)}"
        )
    if ipam.given("Options"):
        raise InvalidArgument("IPAM.Options: IPAM driver options are not supported")
    pools = ipam.objs("Config")
    for pool in pools:
        if pool.given("AuxiliaryAddresses"):
            raise InvalidArgument(f"{pool.where}.AuxiliaryAddresses: not supported")
        if not pool.text("Subnet") and (pool.text("Gateway") or pool.text("IPRange")):
            raise InvalidArgument(f"{pool.where}: a gateway or range needs its Subnet")
    given = request.text_map("Options")
    bridge = network_compat.driver_options(given)
    options = NetworkCreateOptions(
        name=name,
        driver="bridge",
        subnets=tuple(p.text("Subnet") for p in pools if p.text("Subnet")),
        gateways=tuple(p.text("Gateway") for p in pools if p.text("Gateway")),
        ip_ranges=tuple(p.text("IPRange") for p in pools if p.text("IPRange")),
        internal=request.flag("Internal"),
        ipv6=request.flag("EnableIPv6"),
        labels=tuple(f"{k}={v}" for k, v in request.text_map("Labels").items()),
        options=bridge.options,
        ipam_driver=ipam_driver,
        interface_name=bridge.interface_name,
    )
    warning = "; ".join(f'"{k}: {given[k]}" is not a recognized option' for k in bridge.unknown)
    return NetworkCreate(options, warning)


def network_connect_options(network: str, body: object) -> NetworkConnectOptions:
    """``POST /networks/{id}/connect``: Container and its EndpointConfig."""
    request = Body(body, "")
    container = request.text("Container")
    if not container:
        raise InvalidArgument("Container: name the container to connect")
    endpoint = request.obj("EndpointConfig")
    if endpoint.given("Links"):
        raise InvalidArgument(f"{endpoint.where}.Links: legacy links are not supported")
    ipam = endpoint.obj("IPAMConfig")
    return NetworkConnectOptions(
        network=network,
        container=container,
        ip=ipam.text("IPv4Address") or None,
        aliases=endpoint.texts("Aliases"),
        ip6=ipam.text("IPv6Address") or None,
    )


def network_disconnect_options(body: object) -> NetworkDisconnectOptions:
    """``POST /networks/{id}/disconnect``: Container, Force."""
    request = Body(body, "")
    container = request.text("Container")
    if not container:
        raise InvalidArgument("Container: name the container to disconnect")
    return NetworkDisconnectOptions(container=container, force=request.flag("Force"))


def network_prune(names: list[str]) -> JSON:
    return {"NetworksDeleted": names or None}

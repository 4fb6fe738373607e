"""The ``network create`` flags beyond the subnets: ``--ipam-driver``, ``--dns``,
``--interface-name`` and ``--route``, checked and turned into the network's fields;
and ``network update``'s ``--dns-add``/``--dns-drop``.

Each check raises ``InvalidArgument`` (exit 125) with podman's words where podman
has them, so the messages users grep for stay the same.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from hutch.api import network_compat
from hutch.api.errors import InvalidArgument
from hutch.api.network_records import NetworkRoute, NetworkSubnet

IPAM_DRIVERS = ("host-local", "none", "dhcp")
IFNAMSIZ = 16  # the kernel's limit, with the terminating NUL


def ipam_driver(value: str, subnets_given: bool) -> str:
    """host-local (the default), none (no addresses); dhcp needs a DHCP server on the
    network, which no rootless network namespace has."""
    driver = value or "host-local"
    if driver not in IPAM_DRIVERS:
        raise InvalidArgument(
            f'unsupported ipam driver "{value}"', hint="use host-local, none or dhcp"
        )
    network_compat.refuse_dhcp(driver)
    if driver == "none" and subnets_given:
        raise InvalidArgument("none ipam driver is set but subnets are given")
    return driver


def dns_servers(values: Sequence[str]) -> tuple[str, ...]:
    out = []
    for value in values:
        try:
            out.append(str(ipaddress.ip_address(value)))
        except ValueError as exc:
            raise InvalidArgument(f"invalid --dns {value!r}: not an IP address") from exc
    return tuple(out)


def updated_dns_servers(
    before: Sequence[str], add: Sequence[str], drop: Sequence[str]
) -> tuple[str, ...]:
    """``network update --dns-add/--dns-drop``, as podman computes it: the servers
    kept in their order, then those added, each once. Each value must be an IP
    address (podman's words and flag names); addresses are compared in their normal
    form, as ``--dns`` stores them."""
    fields = (("AddDNSServer", add), ("RemoveDNSServer", drop))
    for field, values in fields:
        for value in values:
            try:
                ipaddress.ip_address(value)
            except ValueError as exc:
                raise InvalidArgument(
                    f"unable to parse ip {value} specified in {field}: invalid argument"
                ) from exc
    dropped = {ipaddress.ip_address(v) for v in drop}
    kept = [s for s in before if ipaddress.ip_address(s) not in dropped]
    return tuple(dict.fromkeys([*kept, *dns_servers(add)]))


def interface_name(value: str, taken: Sequence[str]) -> str:
    """A name the kernel takes for a link (shorter than IFNAMSIZ, no '/', no
    whitespace, not . or ..), not the bridge of another network. Of the rest only
    letters, digits, '_', '.' and '-': the bridge's nftables table is named after
    it, and nft refuses most other characters in a table's name."""
    if not value:
        return ""
    if len(value) >= IFNAMSIZ or value in (".", "..") or "/" in value or ":" in value:
        raise InvalidArgument(
            f"invalid --interface-name {value!r}: "
            f"a link name of at most {IFNAMSIZ - 1} characters without '/' or ':'"
        )
    if any(c.isspace() for c in value):
        raise InvalidArgument(f"invalid --interface-name {value!r}: it holds whitespace")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", value):
        raise InvalidArgument(
            f"invalid --interface-name {value!r}: use letters, digits, '_', '.' and '-'"
        )
    from hutch.net.rootlessd import TAP

    # the rootless namespace's own links are taken too
    if value in (*taken, "lo", TAP):
        raise InvalidArgument(f"bridge name {value} already in use")
    return value


def routes(values: Sequence[str], subnets: Sequence[NetworkSubnet]) -> tuple[NetworkRoute, ...]:
    return tuple(route(v, subnets) for v in values)


def route(value: str, subnets: Sequence[NetworkSubnet]) -> NetworkRoute:
    """``DEST,GATEWAY[,METRIC]`` in podman's words; the gateway must be an address of
    one of the network's subnets of its family, or the kernel refuses the route in
    each container (podman only finds out then, when netavark fails)."""
    parts = value.split(",")
    if len(parts) not in (2, 3):
        raise InvalidArgument(
            f"invalid route: {value}\n"
            "Format: --route <destination in CIDR>,<gateway>,<metric (optional)>"
        )
    try:
        if "/" not in parts[0]:
            raise ValueError(parts[0])
        dest = ipaddress.ip_network(parts[0], strict=False)
    except ValueError as exc:
        raise InvalidArgument(f"invalid route destination {parts[0]}") from exc
    try:
        gateway = ipaddress.ip_address(parts[1])
    except ValueError as exc:
        raise InvalidArgument(f"invalid route gateway {parts[1]}") from exc
    metric = None
    if len(parts) == 3:
        if not parts[2].isdigit() or int(parts[2]) >= 1 << 32:
            raise InvalidArgument(f"invalid route metric {parts[2]}")
        metric = int(parts[2])
    if dest.version != gateway.version:
        raise InvalidArgument(
            f"invalid route {value}: destination and gateway are not of one IP version"
        )
    nets = [ipaddress.ip_network(s.subnet) for s in subnets]
    if not any(gateway in n for n in nets if n.version == gateway.version):
        raise InvalidArgument(
            f"invalid route {value}: gateway {gateway} is not in a subnet of the network",
            hint="a container reaches a gateway only on its own link",
        )
    return NetworkRoute(str(dest), str(gateway), metric)

"""A project's top-level ``networks:`` entry -> ``network create``'s options.

``ipam.driver`` and ``driver_opts`` are read as Docker reads them
(api/network_compat.py, the table the Docker API uses too): ``default`` is
host-local, ``com.docker.network.bridge.name`` the bridge's name. ``check``
refuses what the engine would refuse later, at load time with the file and line,
so that ``up`` creates nothing for a file with a network it cannot make.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hutch.api import network_compat
from hutch.api.networks import NetworkCreateOptions
from hutch.compose.locate import Locator
from hutch.compose.model import LABEL


def check(key: str, body: Mapping[str, Any], where: Locator) -> None:
    """Raise ComposeError (file:line, key path) for an IPAM driver or a driver
    option hutch's bridge does not have."""
    if body.get("external"):
        return
    base = ("networks", key)
    driver = (body.get("ipam") or {}).get("driver", "")
    if network_compat.ipam_driver(driver) is None:
        raise where.error(
            f"unsupported ipam driver {driver!r} for network {key!r}: "
            f"use {', '.join(network_compat.IPAM_NAMES)}",
            (*base, "ipam", "driver"),
        )
    unknown = network_compat.driver_options(body.get("driver_opts") or {}).unknown
    if unknown:
        raise where.error(
            f"unsupported driver option {unknown[0]!r} for network {key!r}: use mtu, "
            "com.docker.network.driver.mtu or com.docker.network.bridge.name",
            (*base, "driver_opts", unknown[0]),
        )


def network_options(
    body: Mapping[str, Any], name: str, project: str, key: str
) -> NetworkCreateOptions:
    """The options of the network ``name`` (``body`` checked by ``check``)."""
    ipam = body.get("ipam") or {}
    pools = ipam.get("config") or []
    bridge = network_compat.driver_options(body.get("driver_opts") or {})
    return NetworkCreateOptions(
        name=name,
        driver=body.get("driver", "bridge"),
        subnets=tuple(c["subnet"] for c in pools if c.get("subnet")),
        gateways=tuple(c["gateway"] for c in pools if c.get("gateway")),
        ip_ranges=tuple(c["ip_range"] for c in pools if c.get("ip_range")),
        internal=bool(body.get("internal")),
        ipv6=bool(body.get("enable_ipv6")),
        labels=(
            f"{LABEL}.project={project}",
            f"{LABEL}.network={key}",
            *(f"{k}={v}" for k, v in (body.get("labels") or {}).items()),
        ),
        options=bridge.options,
        ipam_driver=network_compat.ipam_driver(ipam.get("driver", "")) or "",
        interface_name=bridge.interface_name,
    )

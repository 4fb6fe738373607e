"""A project's top-level ``networks:`` entry -> ``network create``'s options.

``ipam.driver`` and ``driver_opts`` are read as Docker reads them
(api/network_compat.py, the table the Docker API uses too): ``default`` is
host-local, ``com.docker.network.bridge.name`` the bridge's name. ``check``
refuses what the engine would refuse later, at load time with the file and line,
so that ``up`` creates nothing for a file with a network it cannot make.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from hutch.api import network_compat
from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkCreateOptions
from hutch.compose.locate import Locator
from hutch.compose.model import LABEL


def check(key: str, body: Mapping[str, Any], where: Locator) -> None:
    """Raise ComposeError (file:line, key path) for what hutch's bridge networks do
    not have: another driver, IPAM driver or driver option, or a network without IPv4;
    warn of IPAM options and auxiliary addresses, which are left out."""
    if body.get("external"):
        return
    base = ("networks", key)

    def refuse(message: str, *path: str | int, hint: str | None = None) -> None:
        raise where.error(f"{message} (network {key!r})", (*base, *path), hint)

    def ignore(message: str, *path: str | int) -> None:
        print(f"WARN: {where.error(f'{message} (network {key!r})', (*base, *path))}",
              file=sys.stderr)  # fmt: skip

    if body.get("driver", "bridge") not in ("bridge", "default"):
        refuse(f"unsupported network driver {body['driver']!r}: use bridge", "driver")
    if body.get("enable_ipv4") is False:
        refuse("a network without IPv4 is not supported: every network has an IPv4 subnet",
               "enable_ipv4")  # fmt: skip
    ipam = body.get("ipam") or {}
    driver = ipam.get("driver", "")
    if network_compat.ipam_driver(driver) is None:
        refuse(
            f"unsupported ipam driver {driver!r}: use {', '.join(network_compat.IPAM_NAMES)}",
            "ipam", "driver",
        )  # fmt: skip
    try:
        network_compat.refuse_dhcp(network_compat.ipam_driver(driver) or "")
    except InvalidArgument as exc:  # network create's refusal, before anything is made
        refuse(str(exc), "ipam", "driver", hint=exc.hint)
    # ignored before, so only a warning: a project already up with them still comes down
    if ipam.get("options"):
        ignore("IPAM driver options are not supported: ignored", "ipam", "options")
    for index, pool in enumerate(ipam.get("config") or []):
        if pool.get("aux_addresses"):
            ignore("auxiliary addresses are not supported: ignored", "ipam", "config", index,
                   "aux_addresses")  # fmt: skip
    unknown = network_compat.driver_options(body.get("driver_opts") or {}).unknown
    if unknown:
        refuse(
            f"unsupported driver option {unknown[0]!r}: use mtu, "
            "com.docker.network.driver.mtu or com.docker.network.bridge.name",
            "driver_opts", unknown[0],
        )  # fmt: skip


def network_options(
    body: Mapping[str, Any], name: str, project: str, key: str
) -> NetworkCreateOptions:
    """The options of the network ``name`` (``body`` checked by ``check``)."""
    ipam = body.get("ipam") or {}
    pools = ipam.get("config") or []
    bridge = network_compat.driver_options(body.get("driver_opts") or {})
    return NetworkCreateOptions(
        name=name,
        driver="bridge",  # "default" too: check refused the others
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

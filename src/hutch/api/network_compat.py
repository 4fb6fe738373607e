"""Docker's spellings of a network's settings -> ``network create``'s.

Both Docker front ends, compose (``ipam.driver``, ``driver_opts``) and the
Docker API (``IPAM.Driver``, ``Options``), name the IPAM driver and the bridge
options as Docker does; this is the one table that reads them, so a compose
file and a docker-py call for the same network make the same network. The
mapping is podman's compat API's: ``default`` is host-local, Docker's
``com.docker.network.bridge.name`` is the interface name and
``com.docker.network.driver.mtu`` the mtu.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

# the -o keys the bridge driver takes (engine/networks.py refuses the rest)
BRIDGE_OPTIONS = ("mtu",)

# Docker's IPAM driver names -> hutch's --ipam-driver ("null" is Docker's name for
# the none driver, which docker network ls shows for the none network)
_IPAM_DRIVERS = {
    "": "host-local",
    "default": "host-local",
    "host-local": "host-local",
    "none": "none",
    "null": "none",
    "dhcp": "dhcp",  # named, so the engine says why it cannot be (rootless)
}
IPAM_NAMES = ("default", "host-local", "none", "null", "dhcp")

_MTU = "com.docker.network.driver.mtu"
_BRIDGE_NAME = "com.docker.network.bridge.name"


def ipam_driver(value: str) -> str | None:
    """hutch's IPAM driver for Docker's name, None for a driver hutch does not have."""
    return _IPAM_DRIVERS.get(value)


def refuse_dhcp(driver: str) -> None:
    """Refuse hutch's IPAM driver ``dhcp``: ``network create --ipam-driver`` checks it,
    and so does compose when it loads a file (``ipam.driver``, read by ``ipam_driver``),
    so that ``up`` makes nothing for a network it cannot make; one set of words."""
    if driver == "dhcp":
        raise InvalidArgument(
            "dhcp ipam driver is not supported rootless",
            hint="the bridges of user networks live in the rootless network namespace, "
            "where no DHCP server can answer; use host-local (the default) or none",
        )


def docker_ipam_name(driver: str) -> str:
    """What Docker shows for hutch's driver: host-local is Docker's ``default``."""
    return "default" if driver in ("", "host-local") else driver


@dataclass(frozen=True)
class DriverOptions:
    options: tuple[str, ...] = ()  # KEY=VALUE, for NetworkCreateOptions.options
    interface_name: str = ""
    unknown: tuple[str, ...] = ()  # the keys no bridge option answers, in order


def driver_options(pairs: Mapping[str, object]) -> DriverOptions:
    """Docker's bridge options as ``-o`` options and the interface name.

    A value may come from YAML as a number (``mtu: 1400``): it is written as text,
    as compose does."""
    options: list[str] = []
    interface = ""
    unknown: list[str] = []
    for key, value in pairs.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if key == _BRIDGE_NAME:
            interface = text
        elif key == _MTU or key in BRIDGE_OPTIONS:
            options.append(f"{'mtu' if key == _MTU else key}={text}")
        else:
            unknown.append(key)
    return DriverOptions(tuple(options), interface, tuple(unknown))

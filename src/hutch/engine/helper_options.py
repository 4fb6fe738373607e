"""``--network slirp4netns:OPTIONS`` and ``--network pasta:OPTIONS``: the helper's own settings.

podman-run(1) takes, after ``slirp4netns:``, comma-separated ``key=value``
options that it translates into slirp4netns flags (allow_host_loopback, cidr,
enable_ipv6, mtu, outbound_addr, outbound_addr6, port_handler), refusing
anything else in its own words (Debian's podman 4.3.1 here: ``unknown option
for slirp4netns: "foo=bar"``, ``invalid mtu "abc"``...). After ``pasta:`` it
takes pasta's own command-line options, comma-separated, passed on as they
are; where they set what hutch sets by default (port forwarding, addresses),
the user's win.

The parse happens twice: when the options are checked (before anything is
created) and when the spec is built; it is pure, so both see the same result.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument
from hutch.runtime.spec_network import (
    PRIVATE_ADDRESS,
    PRIVATE_DNS,
    PRIVATE_GATEWAY,
    NetworkSpec,
    PortMapping,
)

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")
_PORT_HANDLERS = ("rootlesskit", "slirp4netns")

# pasta options that hutch itself must give: the namespace, the pid file, the
# foreground process the monitor kills and the configured interface
_PASTA_OWN = (
    "--netns",
    "--netns-only",
    "--pid",
    "-P",
    "--foreground",
    "-f",
    "--config-net",
    "--runas",
    "--userns",
)


@dataclass(frozen=True)
class HelperOptions:
    """What the options change: extra helper argv and the private network's layout."""

    args: tuple[str, ...] = ()
    address: str = PRIVATE_ADDRESS
    gateway: str = PRIVATE_GATEWAY
    dns: str = PRIVATE_DNS
    port_proxy: bool = False  # port_handler=rootlesskit

    def spec(self, backend: str, ports: tuple[PortMapping, ...] = ()) -> NetworkSpec:
        """The private network through ``backend`` with these options."""
        return NetworkSpec(
            mode="private",
            backend=backend,
            ports=ports,
            helper_args=self.args,
            address=self.address,
            gateway=self.gateway,
            dns=self.dns,
            port_proxy=self.port_proxy,
        )


def parse(mode: str) -> HelperOptions:
    """The options of ``slirp4netns:...`` or ``pasta:...``; nothing for other modes."""
    name, sep, text = mode.partition(":")
    if not sep:
        return HelperOptions()
    if name == "slirp4netns":
        return _slirp(text.split(","))
    if name == "pasta":
        return _pasta([item for item in text.split(",") if item])
    return HelperOptions()


def _bool(key: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgument(f'invalid value of {key} for slirp4netns: "{value}"')


def _slirp(items: list[str]) -> HelperOptions:
    args: list[str] = []
    layout = HelperOptions()
    proxy = False
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgument(f'unknown option for slirp4netns: "{item}"')
        if key == "allow_host_loopback":
            # slirp4netns lets the gateway reach the host's loopback unless told not to
            if not _bool(key, value):
                args.append("--disable-host-loopback")
        elif key == "enable_ipv6":
            if _bool(key, value):
                args.append("--enable-ipv6")
        elif key == "mtu":
            if not value.isdigit() or not 0 < int(value) <= 65521:
                raise InvalidArgument(f'invalid mtu "{value}"')
            args += ["--mtu", value]
        elif key == "cidr":
            layout = _cidr(value)
            args += ["--cidr", value]
        elif key in ("outbound_addr", "outbound_addr6"):
            _check_outbound(key, value)
            args.append(f"--{key.replace('_', '-')}={value}")
        elif key == "port_handler":
            # slirp4netns's own forwarder keeps the client's address (hutch's default);
            # rootlesskit, podman's default, is the rootless namespace's splice proxy,
            # as fast as podman's rootlessport, the container's own address as client
            if value not in _PORT_HANDLERS:
                raise InvalidArgument(f'unknown port_handler for slirp4netns: "{value}"')
            proxy = value == "rootlesskit"
        else:
            raise InvalidArgument(f'unknown option for slirp4netns: "{item}"')
    return HelperOptions(tuple(args), layout.address, layout.gateway, layout.dns, proxy)


def _cidr(value: str) -> HelperOptions:
    """slirp4netns's layout in another range: the gateway .2, the DNS .3, the guest .100."""
    try:
        if "/" not in value:
            raise ValueError(value)
        net = ipaddress.IPv4Network(value, strict=False)
        if net.num_addresses < 128:
            raise ValueError(value)
    except ValueError as exc:
        raise InvalidArgument(f'invalid cidr "{value}"') from exc
    return HelperOptions(address=str(net[100]), gateway=str(net[2]), dns=str(net[3]))


def _check_outbound(key: str, value: str) -> None:
    try:
        ipaddress.ip_address(value)
        return
    except ValueError:
        pass
    if not value or "/" in value or not os.path.exists(f"/sys/class/net/{value}"):
        raise InvalidArgument(f'invalid {key} "{value}"')


_ADDRESS = ("-a", "--address")
_GATEWAY = ("-g", "--gateway")
_DNS = ("--dns-forward",)


def _pasta(items: list[str]) -> HelperOptions:
    address, gateway, dns = PRIVATE_ADDRESS, PRIVATE_GATEWAY, PRIVATE_DNS
    for index, item in enumerate(items):
        flag, eq, inline = item.partition("=")
        if flag in _PASTA_OWN:
            raise InvalidArgument(f"invalid option for network pasta: {flag}: hutch sets it itself")
        if flag in _ADDRESS + _GATEWAY + _DNS:
            value = inline if eq else (items[index + 1] if index + 1 < len(items) else "")
            try:
                ipaddress.IPv4Address(value)
            except ValueError as exc:
                raise InvalidArgument(
                    f"invalid option for network pasta: {flag} needs an IPv4 address"
                ) from exc
            if flag in _ADDRESS:
                address = value
            elif flag in _GATEWAY:
                gateway = value
            else:
                dns = value
    return HelperOptions(tuple(items), address, gateway, dns)

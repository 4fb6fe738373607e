"""The network flags of ``run`` and ``create``, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import NetworkOptions


Publish = Annotated[
    list[str] | None,
    typer.Option(
        "--publish",
        "-p",
        help="Publish a port: [IP:][HOSTPORT:]CTRPORT[/tcp|/udp]; ranges; no HOSTPORT: random.",
    ),
]
PublishAll = Annotated[
    bool,
    typer.Option("--publish-all", "-P", help="Publish every exposed port on a random host port."),
]
NetworkAlias = Annotated[
    list[str] | None,
    typer.Option("--network-alias", help="Another name of the container on its networks."),
]
Ip = Annotated[str | None, typer.Option("--ip", help="IPv4 address on a user-defined network.")]
Ip6 = Annotated[
    str | None, typer.Option("--ip6", help="IPv6 address on a dual-stack user-defined network.")
]
AddHost = Annotated[
    list[str] | None,
    typer.Option("--add-host", help="Add HOST:IP to /etc/hosts (IP may be host-gateway)."),
]
Dns = Annotated[list[str] | None, typer.Option("--dns", help="DNS server for the container.")]
DnsSearch = Annotated[
    list[str] | None, typer.Option("--dns-search", help="DNS search domain ('.' for none).")
]
DnsOption = Annotated[
    list[str] | None, typer.Option("--dns-option", help="Option for resolv.conf (e.g. ndots:2).")
]
NoHosts = Annotated[
    bool, typer.Option("--no-hosts", help="Do not write /etc/hosts; keep the image's.")
]


def to_options(
    *,
    publish: list[str] | None,
    publish_all: bool,
    network_alias: list[str] | None,
    ip: str | None,
    add_host: list[str] | None,
    dns: list[str] | None,
    dns_search: list[str] | None,
    dns_option: list[str] | None,
    no_hosts: bool,
    ip6: str | None = None,
) -> NetworkOptions:
    from hutch.api.container_config import NetworkOptions

    return NetworkOptions(
        publish=tuple(publish or ()),
        publish_all=publish_all,
        aliases=tuple(network_alias or ()),
        ip=ip,
        ip6=ip6,
        add_hosts=tuple(add_host or ()),
        dns=tuple(dns or ()),
        dns_search=tuple(dns_search or ()),
        dns_options=tuple(dns_option or ()),
        no_hosts=no_hosts,
    )

"""The network flags of ``run`` and ``create`` as one frozen group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NetworkOptions:
    publish: tuple[str, ...] = ()  # -p [IP:][HOSTPORT:]CTRPORT[/PROTO]
    publish_all: bool = False  # -P: every port the image exposes, on random host ports
    aliases: tuple[str, ...] = ()
    ip: str | None = None
    ip6: str | None = None  # on a network with an IPv6 subnet
    add_hosts: tuple[str, ...] = ()  # HOST:IP
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    no_hosts: bool = False

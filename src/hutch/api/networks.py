"""Networks: the options, reports and protocol of the ``network`` and ``port`` verbs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hutch.api.common import PruneReport
from hutch.api.container_actions import ActionReport

# re-exported: a network's record lives apart, so that a run on a user network (the
# engine's start of it) loads none of the verbs' options nor typing for the protocol
from hutch.api.network_records import NetworkMember as NetworkMember
from hutch.api.network_records import NetworkRoute as NetworkRoute
from hutch.api.network_records import NetworkSubnet as NetworkSubnet
from hutch.api.network_records import NetworkSummary as NetworkSummary


@dataclass(frozen=True)
class NetworkCreateOptions:
    name: str | None = None  # None: a generated name (hutchN)
    driver: str = "bridge"
    subnets: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    ip_ranges: tuple[str, ...] = ()
    internal: bool = False
    ipv6: bool = False
    labels: tuple[str, ...] = ()  # KEY=VALUE
    options: tuple[str, ...] = ()  # -o KEY=VALUE (mtu, ...)
    disable_dns: bool = False
    ignore: bool = False  # --ignore: an existing network of that name is fine
    ipam_driver: str = ""  # host-local (""), none or dhcp (refused: rootless)
    dns_servers: tuple[str, ...] = ()  # --dns: where the name server forwards other names
    interface_name: str = ""  # --interface-name: the bridge's name ("": hutchN)
    routes: tuple[str, ...] = ()  # --route DEST,GATEWAY[,METRIC]


@dataclass(frozen=True)
class NetworkConnectOptions:
    network: str
    container: str
    ip: str | None = None
    aliases: tuple[str, ...] = ()
    ip6: str | None = None
    mac_address: str | None = None  # podman's --mac-address of network connect


@dataclass(frozen=True)
class NetworkRemoveOptions:
    force: bool = False  # remove the containers that use it first
    timeout: int | None = None  # their stop timeout


@dataclass(frozen=True)
class NetworkDisconnectOptions:
    container: str
    force: bool = False


@dataclass(frozen=True)
class NetworkUpdateOptions:
    """``network update``: the name servers to add to and drop from the network's
    ``--dns`` list (IP addresses)."""

    dns_add: tuple[str, ...] = ()
    dns_drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkReloadOptions:
    all: bool = False


class Networks(Protocol):
    """``engine.networks``."""

    def create(self, options: NetworkCreateOptions) -> NetworkSummary: ...

    def ls(self, filters: Sequence[str]) -> list[NetworkSummary]: ...

    def inspect(self, names: Sequence[str]) -> list[NetworkSummary]: ...

    def remove(self, names: Sequence[str], options: NetworkRemoveOptions) -> list[ActionReport]: ...

    def prune(self, filters: Sequence[str]) -> list[PruneReport]: ...

    def exists(self, name: str) -> bool: ...

    def connect(self, options: NetworkConnectOptions) -> None: ...

    def disconnect(self, network: str, options: NetworkDisconnectOptions) -> None: ...

    def reload(self, names: Sequence[str], options: NetworkReloadOptions) -> list[ActionReport]: ...

    def update(self, name: str, options: NetworkUpdateOptions) -> NetworkSummary: ...

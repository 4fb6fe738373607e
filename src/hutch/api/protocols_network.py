"""The network part of the engine interface (``hutch network ...``, ``hutch port``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hutch.api.options_networks import (
    NetworkConnectOptions,
    NetworkCreateOptions,
    NetworkSummary,
    PortReport,
)
from hutch.api.reports import ActionReport


class NetworkEngine(Protocol):
    def container_ports(self, names: Sequence[str], all: bool) -> list[PortReport]: ...

    def create_network(self, options: NetworkCreateOptions) -> NetworkSummary: ...

    def list_networks(self, filters: Sequence[str]) -> list[NetworkSummary]: ...

    def inspect_networks(self, names: Sequence[str]) -> list[NetworkSummary]: ...

    def remove_networks(
        self, names: Sequence[str], force: bool, timeout: int | None
    ) -> list[ActionReport]: ...

    def prune_networks(self, filters: Sequence[str]) -> list[str]: ...

    def network_exists(self, name: str) -> bool: ...

    def connect_network(self, options: NetworkConnectOptions) -> None: ...

    def disconnect_network(self, network: str, container: str, force: bool) -> None: ...

    def reload_networks(self, names: Sequence[str], all: bool) -> list[ActionReport]: ...

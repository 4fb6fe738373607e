"""``client.networks`` and ``client.volumes``."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence

from hutch.api.errors import NoSuchObject
from hutch.api.networks import (
    NetworkConnectOptions,
    NetworkCreateOptions,
    NetworkDisconnectOptions,
    NetworkRemoveOptions,
    Networks,
    NetworkSummary,
)
from hutch.api.volumes import (
    VolumeCreateOptions,
    VolumeListOptions,
    VolumeRemoveOptions,
    Volumes,
    VolumeSummary,
)
from hutch.client.reports import checked
from hutch.client.selection import Outcome


def _pairs(values: Mapping[str, str] | None) -> tuple[str, ...]:
    return tuple(f"{k}={v}" for k, v in (values or {}).items())


class NetworkClient:
    """User-defined networks (bridges in the user's network namespace, with DNS)."""

    def __init__(self, engine: Networks) -> None:
        self._engine = engine

    def create(
        self,
        name: str,
        *,
        subnets: Sequence[str] = (),
        internal: bool = False,
        ipv6: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> NetworkSummary:
        options = NetworkCreateOptions(
            name=name, subnets=tuple(subnets), internal=internal, ipv6=ipv6, labels=_pairs(labels)
        )
        return self._engine.create(options)

    def list(self, filters: Sequence[str] = ()) -> builtins.list[NetworkSummary]:
        return self._engine.ls(filters)

    def inspect(self, name: str) -> NetworkSummary:
        found = self._engine.inspect([name])
        if not found:
            raise NoSuchObject(f"network {name} not found")
        return found[0]

    def exists(self, name: str) -> bool:
        return self._engine.exists(name)

    def remove(self, name: str, force: bool = False) -> str:
        """Remove it (``force``: with the containers that use it)."""
        return checked(self._engine.remove([name], NetworkRemoveOptions(force=force)))[0]

    def remove_many(
        self, names: Sequence[str], *, force: bool = False, timeout: int | None = None
    ) -> Outcome:
        """``hutch network rm A B ...``: one engine call, one report per name, each
        with podman's words and exit code (1: no such network, 2: in use); the
        others are removed whatever one of them says. ``timeout``: ``--time``."""
        return Outcome(tuple(self._engine.remove(names, NetworkRemoveOptions(force, timeout))))

    def connect(
        self, network: str, container: str, aliases: Sequence[str] = (), ip: str | None = None
    ) -> None:
        self._engine.connect(NetworkConnectOptions(network, container, ip, tuple(aliases)))

    def disconnect(self, network: str, container: str, force: bool = False) -> None:
        self._engine.disconnect(network, NetworkDisconnectOptions(container, force))

    def prune(self, filters: Sequence[str] = ()) -> builtins.list[str]:
        return [r.id for r in self._engine.prune(filters) if r.error is None]


class VolumeClient:
    """Named volumes."""

    def __init__(self, engine: Volumes) -> None:
        self._engine = engine

    def create(
        self,
        name: str | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        options: Mapping[str, str] | None = None,
    ) -> VolumeSummary:
        """Create it (``options``: the local driver's type, o, device); an existing volume
        of that name is an error."""
        made = self._engine.create(
            VolumeCreateOptions(name=name, labels=_pairs(labels), options=_pairs(options))
        )
        return self.inspect(made)

    def list(self, filters: Sequence[str] = ()) -> builtins.list[VolumeSummary]:
        return self._engine.ls(VolumeListOptions(tuple(filters)))

    def inspect(self, name: str) -> VolumeSummary:
        found = self._engine.inspect([name], False)
        if not found:
            raise NoSuchObject(f"no such volume {name}")
        return found[0]

    def exists(self, name: str) -> bool:
        return self._engine.exists(name)

    def remove(self, name: str, force: bool = False) -> str:
        return checked(self._engine.remove([name], VolumeRemoveOptions(force=force)))[0]

    def remove_many(
        self, names: Sequence[str] = (), *, all: bool = False, force: bool = False
    ) -> Outcome:
        """``hutch volume rm A B ...`` or ``--all``: one engine call, one report per
        volume, each with podman's words and exit code (1: no such volume, 2: in
        use). Names and ``all`` exclude each other (``InvalidArgument``, as the CLI)."""
        return Outcome(tuple(self._engine.remove(names, VolumeRemoveOptions(force, all))))

    def prune(self, filters: Sequence[str] = ()) -> builtins.list[str]:
        return [r.id for r in self._engine.prune(filters) if r.error is None]

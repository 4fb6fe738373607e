"""Volumes: the options, reports and protocol of the ``volume`` verbs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from hutch.api.containers import ActionReport


@dataclass(frozen=True)
class VolumeCreateOptions:
    name: str | None = None  # None: a random name
    driver: str = "local"
    options: tuple[str, ...] = ()  # KEY=VALUE: type, o, device
    labels: tuple[str, ...] = ()  # KEY[=VALUE]
    ignore: bool = False  # an existing volume of that name is not an error


@dataclass(frozen=True)
class VolumeListOptions:
    filters: tuple[str, ...] = ()  # name=, label=KEY[=VALUE], dangling=true|false, driver=


@dataclass(frozen=True)
class VolumeRemoveOptions:
    names: tuple[str, ...] = ()
    force: bool = False  # remove the containers that use it first
    all: bool = False


@dataclass(frozen=True)
class VolumeSummary:
    """One volume, as ``volume ls`` and ``volume inspect`` show it."""

    name: str
    driver: str
    mountpoint: str
    created: float
    labels: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    anonymous: bool = False
    needs_copy_up: bool = False
    users: tuple[str, ...] = ()  # ids of the containers that mount it


class VolumeEngine(Protocol):
    def create_volume(self, options: VolumeCreateOptions) -> str: ...

    def list_volumes(self, options: VolumeListOptions) -> list[VolumeSummary]: ...

    def inspect_volumes(self, names: Sequence[str], all: bool) -> list[VolumeSummary]: ...

    def remove_volumes(self, options: VolumeRemoveOptions) -> list[ActionReport]: ...

    def prune_volumes(self, filters: Sequence[str] = ()) -> list[str]: ...

    def volume_exists(self, name: str) -> bool: ...

    def export_volume(self, name: str, out: BinaryIO) -> None: ...

    def import_volume(self, name: str, source: BinaryIO) -> None: ...

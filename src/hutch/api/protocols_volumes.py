"""The volume part of the engine interface (``hutch volume ...``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Protocol

from hutch.api.options_volumes import (
    VolumeCreateOptions,
    VolumeListOptions,
    VolumeRemoveOptions,
    VolumeSummary,
)
from hutch.api.reports import ActionReport


class VolumeEngine(Protocol):
    def create_volume(self, options: VolumeCreateOptions) -> str: ...

    def list_volumes(self, options: VolumeListOptions) -> list[VolumeSummary]: ...

    def inspect_volumes(self, names: Sequence[str], all: bool) -> list[VolumeSummary]: ...

    def remove_volumes(self, options: VolumeRemoveOptions) -> list[ActionReport]: ...

    def prune_volumes(self, filters: Sequence[str] = ()) -> list[str]: ...

    def volume_exists(self, name: str) -> bool: ...

    def export_volume(self, name: str, out: BinaryIO) -> None: ...

    def import_volume(self, name: str, source: BinaryIO) -> None: ...

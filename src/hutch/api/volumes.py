"""Volumes: the options, reports and protocol of the ``volume`` verbs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Protocol

from hutch.api.common import PruneReport
from hutch.api.container_actions import ActionReport

# re-exported: the verbs' classes live apart so that the volume engine loads no typing
from hutch.api.volume_options import VolumeCreateOptions as VolumeCreateOptions
from hutch.api.volume_options import VolumeListOptions as VolumeListOptions
from hutch.api.volume_options import VolumeRemoveOptions as VolumeRemoveOptions
from hutch.api.volume_options import VolumeSummary as VolumeSummary


class Volumes(Protocol):
    """``engine.volumes``."""

    def create(self, options: VolumeCreateOptions) -> str: ...

    def ls(self, options: VolumeListOptions) -> list[VolumeSummary]: ...

    def inspect(self, names: Sequence[str], all: bool) -> list[VolumeSummary]: ...

    def remove(self, names: Sequence[str], options: VolumeRemoveOptions) -> list[ActionReport]: ...

    def prune(self, filters: Sequence[str]) -> list[PruneReport]: ...

    def exists(self, name: str) -> bool: ...

    def mount(self, name: str) -> str: ...

    def unmount(self, name: str) -> str: ...

    def export(self, name: str, out: BinaryIO) -> None: ...

    def import_(self, name: str, source: BinaryIO) -> None: ...

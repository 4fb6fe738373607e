"""The engine interfaces the CLI and the REST API program against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from hutch.api.options import ImportOptions, RemoveImageOptions, RunOptions
from hutch.api.reports import ImageSummary, ImportReport, InfoReport, RemoveReport


class ImageEngine(Protocol):
    def import_image(self, options: ImportOptions) -> ImportReport: ...

    def list_images(self) -> list[ImageSummary]: ...

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]: ...

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]: ...


class ContainerEngine(Protocol):
    def run(self, options: RunOptions) -> int: ...


class SystemEngine(Protocol):
    def info(self) -> InfoReport: ...

    def unshare(self, command: Sequence[str]) -> int: ...

    def migrate(self) -> bool: ...

    def reset(self) -> None: ...


class Engine(ImageEngine, ContainerEngine, SystemEngine, Protocol):
    """Everything the CLI needs, built once per command."""

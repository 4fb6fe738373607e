"""The engine the CLI talks to: one object implementing the api protocols."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hutch.api.options import ImportOptions, RemoveImageOptions, RunOptions
from hutch.api.reports import ImageSummary, ImportReport, InfoReport, RemoveReport
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.containers import ContainerService
from hutch.engine.context import EngineContext
from hutch.engine.images import ImageService
from hutch.engine.system import SystemService


class LocalEngine:
    """Implements ``hutch.api.protocols.Engine`` in this process (no daemon)."""

    def __init__(self, paths: Paths, settings: Settings) -> None:
        ctx = EngineContext(paths, settings)
        self._images = ImageService(ctx)
        self._containers = ContainerService(ctx)
        self._system = SystemService(ctx)

    def import_image(self, options: ImportOptions) -> ImportReport:
        return self._images.import_image(options)

    def list_images(self) -> list[ImageSummary]:
        return self._images.list_images()

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]:
        return self._images.remove_images(options)

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return self._images.inspect_images(names)

    def run(self, options: RunOptions) -> int:
        return self._containers.run(options)

    def info(self) -> InfoReport:
        return self._system.info()

    def unshare(self, command: Sequence[str]) -> int:
        return self._system.unshare(command)

    def migrate(self) -> bool:
        return self._system.migrate()

    def reset(self) -> None:
        self._system.reset()

"""The engine the CLI talks to: one object implementing the api protocols."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from hutch.api.options import ImportOptions, RemoveImageOptions, RunOptions
from hutch.api.reports import ImageSummary, ImportReport, InfoReport, RemoveReport
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext

if TYPE_CHECKING:
    from hutch.engine.containers import ContainerService
    from hutch.engine.images import ImageService
    from hutch.engine.system import SystemService


class LocalEngine:
    """Implements ``hutch.api.protocols.Engine`` in this process (no daemon).

    Services are built on first use so that each command imports only the
    modules of the work it does (start-up time is a feature).
    """

    def __init__(self, paths: Paths, settings: Settings) -> None:
        self._ctx = EngineContext(paths, settings)

    @cached_property
    def _images(self) -> ImageService:
        from hutch.engine.images import ImageService

        return ImageService(self._ctx)

    @cached_property
    def _containers(self) -> ContainerService:
        from hutch.engine.containers import ContainerService

        return ContainerService(self._ctx)

    @cached_property
    def _system(self) -> SystemService:
        from hutch.engine.system import SystemService

        return SystemService(self._ctx)

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

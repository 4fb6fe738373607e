"""The engine the CLI talks to: one object implementing the api protocols."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from hutch.api.options import (
    ImportOptions,
    ListContainersOptions,
    LogsOptions,
    RemoveContainerOptions,
    RemoveImageOptions,
    RunOptions,
    StopOptions,
)
from hutch.api.reports import (
    ActionReport,
    ContainerSummary,
    ImageSummary,
    ImportReport,
    InfoReport,
    LogLine,
    RemoveReport,
    RunReport,
)
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext

if TYPE_CHECKING:
    from hutch.engine.container_query import ContainerQueries
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
    def _queries(self) -> ContainerQueries:
        from hutch.engine.container_query import ContainerQueries

        return ContainerQueries(self._ctx)

    @cached_property
    def _system(self) -> SystemService:
        from hutch.engine.system import SystemService

        return SystemService(self._ctx)

    # images
    def import_image(self, options: ImportOptions) -> ImportReport:
        return self._images.import_image(options)

    def list_images(self) -> list[ImageSummary]:
        return self._images.list_images()

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]:
        return self._images.remove_images(options)

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return self._images.inspect_images(names)

    # containers
    def run(self, options: RunOptions) -> RunReport:
        return self._containers.run(options)

    def create(self, options: RunOptions) -> str:
        return self._containers.create(options)

    def start(self, names: Sequence[str], *, attach: bool, interactive: bool) -> list[ActionReport]:
        return self._containers.start(names, attach=attach, interactive=interactive)

    def stop(self, options: StopOptions) -> list[ActionReport]:
        return self._containers.stop(options)

    def kill(self, names: Sequence[str], signal: str, all: bool) -> list[ActionReport]:
        return self._containers.kill(names, signal, all)

    def restart(self, options: StopOptions) -> list[ActionReport]:
        return self._containers.restart(options)

    def remove_containers(self, options: RemoveContainerOptions) -> list[ActionReport]:
        return self._containers.remove_containers(options)

    def wait(self, names: Sequence[str], conditions: Sequence[str]) -> list[ActionReport]:
        return self._containers.wait(names, conditions)

    def container_cleanup(self, container_id: str) -> None:
        self._containers.container_cleanup(container_id)

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]:
        return self._queries.list_containers(options)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        return self._queries.logs(options)

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return self._queries.inspect_containers(names)

    # system
    def info(self) -> InfoReport:
        return self._system.info()

    def unshare(self, command: Sequence[str]) -> int:
        return self._system.unshare(command)

    def migrate(self) -> bool:
        return self._system.migrate()

    def reset(self) -> None:
        self._system.reset()

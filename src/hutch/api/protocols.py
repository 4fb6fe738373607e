"""The engine interfaces the CLI and the REST API program against."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

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


class ImageEngine(Protocol):
    def import_image(self, options: ImportOptions) -> ImportReport: ...

    def list_images(self) -> list[ImageSummary]: ...

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]: ...

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]: ...


class ContainerEngine(Protocol):
    def run(self, options: RunOptions) -> RunReport: ...

    def create(self, options: RunOptions) -> str: ...

    def start(
        self, names: Sequence[str], *, attach: bool, interactive: bool
    ) -> list[ActionReport]: ...

    def stop(self, options: StopOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], signal: str, all: bool) -> list[ActionReport]: ...

    def restart(self, options: StopOptions) -> list[ActionReport]: ...

    def remove_containers(self, options: RemoveContainerOptions) -> list[ActionReport]: ...

    def wait(self, names: Sequence[str], conditions: Sequence[str]) -> list[ActionReport]: ...

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]: ...

    def logs(self, options: LogsOptions) -> Iterator[LogLine]: ...

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]: ...

    def container_cleanup(self, container_id: str) -> None: ...


class SystemEngine(Protocol):
    def info(self) -> InfoReport: ...

    def unshare(self, command: Sequence[str]) -> int: ...

    def migrate(self) -> bool: ...

    def reset(self) -> None: ...


class Engine(ImageEngine, ContainerEngine, SystemEngine, Protocol):
    """Everything the CLI needs, built once per command."""

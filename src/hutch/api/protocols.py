"""The engine interfaces the CLI and the REST API program against."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, Protocol

from hutch.api.build import BuildEngine
from hutch.api.events import Event, EventsOptions
from hutch.api.options import (
    ImportOptions,
    ListContainersOptions,
    LogsOptions,
    RemoveContainerOptions,
    RemoveImageOptions,
    RunOptions,
    StopOptions,
)
from hutch.api.options_files import CommitOptions, CopyOptions, ExportOptions
from hutch.api.options_images import (
    LoginOptions,
    LogoutOptions,
    PullOptions,
    PushOptions,
    RegistryAccess,
    SaveOptions,
)
from hutch.api.options_lifecycle import AttachOptions, ExecOptions
from hutch.api.protocols_network import NetworkEngine
from hutch.api.protocols_resources import ResourceEngine
from hutch.api.protocols_volumes import VolumeEngine
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
from hutch.api.reports_files import Change, CommitReport
from hutch.api.reports_images import HistoryLine, PruneReport, PullReport, PushReport
from hutch.api.reports_lifecycle import ExecReport, HealthReport, TopReport


class ImageEngine(Protocol):
    def import_image(self, options: ImportOptions) -> ImportReport: ...

    def list_images(self) -> list[ImageSummary]: ...

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]: ...

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]: ...

    # distribution and the image toolbox (engine/distribution.py, engine/image_tools.py)
    def pull(self, options: PullOptions) -> PullReport: ...

    def push(self, options: PushOptions) -> PushReport: ...

    def login(self, options: LoginOptions) -> str: ...

    def logout(self, options: LogoutOptions) -> list[str]: ...

    def tag_image(self, source: str, targets: Sequence[str]) -> None: ...

    def untag_image(self, source: str, targets: Sequence[str]) -> None: ...

    def image_history(self, name: str) -> list[HistoryLine]: ...

    def image_exists(self, name: str) -> bool: ...

    def prune_images(self, all: bool) -> PruneReport: ...

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str: ...

    def save_images(self, options: SaveOptions) -> None: ...

    def load_images(self, source: str) -> list[str]: ...


class ContainerEngine(Protocol):
    def run(self, options: RunOptions) -> RunReport: ...

    def create(self, options: RunOptions) -> str: ...

    def start(
        self,
        names: Sequence[str],
        *,
        attach: bool,
        interactive: bool,
        detach_keys: str | None = None,  # attached: None is the container's own keys
        sig_proxy: bool = True,
    ) -> list[ActionReport]: ...

    def stop(self, options: StopOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], signal: str, all: bool) -> list[ActionReport]: ...

    def restart(self, options: StopOptions) -> list[ActionReport]: ...

    def remove_containers(self, options: RemoveContainerOptions) -> list[ActionReport]: ...

    def rename_container(self, name: str, new_name: str) -> str: ...

    def container_exists(self, name: str) -> bool: ...

    def prune_containers(self) -> list[ActionReport]: ...

    def events(self, options: EventsOptions) -> Iterator[Event]: ...

    def wait(self, names: Sequence[str], conditions: Sequence[str]) -> list[ActionReport]: ...

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]: ...

    def logs(self, options: LogsOptions) -> Iterator[LogLine]: ...

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]: ...

    def container_cleanup(self, container_id: str) -> None: ...

    def exec_container(self, options: ExecOptions) -> ExecReport: ...

    def attach(self, options: AttachOptions) -> int: ...

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport: ...

    def pause(self, names: Sequence[str], all: bool) -> list[ActionReport]: ...

    def unpause(self, names: Sequence[str], all: bool) -> list[ActionReport]: ...

    def healthcheck_run(self, name: str) -> HealthReport: ...


class SystemEngine(Protocol):
    def info(self) -> InfoReport: ...

    def unshare(self, command: Sequence[str]) -> int: ...

    def migrate(self) -> bool: ...

    def reset(self) -> None: ...


class ContainerFilesEngine(Protocol):
    """A container's file system: cp, diff, commit, export."""

    def copy(self, options: CopyOptions) -> None: ...

    def diff(self, name: str) -> list[Change]: ...

    def commit(self, options: CommitOptions) -> CommitReport: ...

    def export(self, options: ExportOptions, out: BinaryIO) -> None: ...


class Engine(
    ImageEngine,
    ContainerEngine,
    ContainerFilesEngine,
    SystemEngine,
    BuildEngine,
    VolumeEngine,
    NetworkEngine,
    ResourceEngine,
    Protocol,
):
    """Everything the CLI needs, built once per command."""

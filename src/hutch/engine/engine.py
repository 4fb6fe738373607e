"""The engine the CLI talks to: one service per noun (``hutch.api.engine.Engine``).

Images, networks, volumes and the system are each one service; the container
verbs live in several modules by the work they do (create/start/stop, queries,
exec and attach, files, resources), gathered here behind ``engine.containers``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, BinaryIO

from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext

if TYPE_CHECKING:
    from hutch.api.container_config import ResourceOptions, RunOptions
    from hutch.api.containers import (
        ActionReport,
        AttachOptions,
        Change,
        CommitOptions,
        CommitReport,
        ContainerInspect,
        ContainerSummary,
        CopyOptions,
        ExecOptions,
        ExecReport,
        ExportOptions,
        HealthReport,
        KillOptions,
        ListContainersOptions,
        LogLine,
        LogsOptions,
        PauseOptions,
        PortOptions,
        PortReport,
        RemoveContainerOptions,
        RunReport,
        StartOptions,
        StatsOptions,
        StatsReport,
        StopOptions,
        TopReport,
        WaitOptions,
    )
    from hutch.engine.container_admin import ContainerAdmin
    from hutch.engine.container_files import ContainerFilesService
    from hutch.engine.container_query import ContainerQueries
    from hutch.engine.containers import ContainerService
    from hutch.engine.images import ImageService
    from hutch.engine.lifecycle import LifecycleService
    from hutch.engine.networks import NetworkService
    from hutch.engine.system import SystemService
    from hutch.engine.volumes import VolumeService


class LocalEngine:
    """Implements ``hutch.api.engine.Engine`` in this process (no daemon).

    Each noun is built on first use, and each of its parts too, so that a
    command imports only the modules of the work it does (start-up time is a
    feature).
    """

    def __init__(self, paths: Paths, settings: Settings) -> None:
        self._ctx = EngineContext(paths, settings)

    @cached_property
    def containers(self) -> LocalContainers:
        return LocalContainers(self._ctx)

    @cached_property
    def images(self) -> ImageService:
        from hutch.engine.images import ImageService

        return ImageService(self._ctx)

    @cached_property
    def networks(self) -> NetworkService:
        from hutch.engine.networks import NetworkService

        return NetworkService(self._ctx, self._remove_users)

    @cached_property
    def volumes(self) -> VolumeService:
        from hutch.engine.volumes import VolumeService

        return VolumeService(self._ctx, self._remove_users)

    @cached_property
    def system(self) -> SystemService:
        from hutch.engine.system import SystemService

        return SystemService(self._ctx)

    def _remove_users(self, ids: Sequence[str]) -> list[ActionReport]:
        """``--force`` of volume and network rm: the containers that use them go first."""
        from hutch.api.containers import RemoveContainerOptions

        return self.containers.remove(ids, RemoveContainerOptions(force=True))


class LocalContainers:
    """``engine.containers`` (``hutch.api.containers.Containers``)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    @cached_property
    def _service(self) -> ContainerService:
        from hutch.engine.containers import ContainerService

        return ContainerService(self._ctx)

    @cached_property
    def _admin(self) -> ContainerAdmin:
        from hutch.engine.container_admin import ContainerAdmin

        return ContainerAdmin(self._ctx)

    @cached_property
    def _queries(self) -> ContainerQueries:
        from hutch.engine.container_query import ContainerQueries

        return ContainerQueries(self._ctx)

    @cached_property
    def _lifecycle(self) -> LifecycleService:
        from hutch.engine.lifecycle import LifecycleService

        return LifecycleService(self._ctx)

    @cached_property
    def _files(self) -> ContainerFilesService:
        from hutch.engine.container_files import ContainerFilesService

        return ContainerFilesService(self._ctx)

    # create, start, stop, remove (engine/containers.py)
    def run(self, options: RunOptions) -> RunReport:
        return self._service.run(options)

    def create(self, options: RunOptions) -> str:
        return self._service.create(options)

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]:
        return self._service.start(names, options)

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        return self._service.stop(names, options)

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]:
        return self._service.kill(names, options)

    def restart(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        return self._service.restart(names, options)

    def remove(self, names: Sequence[str], options: RemoveContainerOptions) -> list[ActionReport]:
        return self._service.remove(names, options)

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]:
        return self._service.wait(names, options)

    def cleanup(self, container_id: str) -> None:
        self._service.cleanup(container_id)

    # rename, exists, prune (engine/container_admin.py)
    def rename(self, name: str, new_name: str) -> str:
        return self._admin.rename(name, new_name)

    def exists(self, name: str) -> bool:
        return self._admin.exists(name)

    def prune(self) -> list[ActionReport]:
        return self._admin.prune()

    # list, inspect, logs (engine/container_query.py)
    def ls(self, options: ListContainersOptions) -> list[ContainerSummary]:
        return self._queries.list_containers(options)

    def inspect(self, names: Sequence[str]) -> list[ContainerInspect]:
        return self._queries.inspect_containers(names)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        return self._queries.logs(options)

    # exec, attach, top, pause, health (engine/lifecycle.py)
    def exec(self, options: ExecOptions) -> ExecReport:
        return self._lifecycle.exec_container(options)

    def attach(self, options: AttachOptions) -> int:
        return self._lifecycle.attach(options)

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        return self._lifecycle.top(name, descriptors)

    def pause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._lifecycle.pause(names, options.all)

    def unpause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._lifecycle.unpause(names, options.all)

    def healthcheck(self, name: str) -> HealthReport:
        return self._lifecycle.healthcheck_run(name)

    # published ports (engine/netquery.py), limits and stats (engine/resource_ops.py)
    def port(self, names: Sequence[str], options: PortOptions) -> list[PortReport]:
        from hutch.engine.netquery import container_ports

        return container_ports(self._ctx, names, options.all)

    def update(self, name: str, options: ResourceOptions) -> str:
        from hutch.engine.resource_ops import ResourceService

        return ResourceService(self._ctx).update(name, options)

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        from hutch.engine.resource_ops import ResourceService

        return ResourceService(self._ctx).stats(names, options.all)

    # a container's file system (engine/container_files.py)
    def copy(self, options: CopyOptions) -> None:
        self._files.copy(options)

    def diff(self, name: str) -> list[Change]:
        return self._files.diff(name)

    def commit(self, options: CommitOptions) -> CommitReport:
        return self._files.commit(options)

    def export(self, options: ExportOptions, out: BinaryIO) -> None:
        self._files.export(options, out)

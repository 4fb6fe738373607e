"""The engine the CLI talks to: one object implementing the api protocols."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, BinaryIO

from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext

if TYPE_CHECKING:
    from hutch.api.build import BuildOptions, BuildReport
    from hutch.api.container_config import ResourceOptions, RunOptions
    from hutch.api.containers import (
        ActionReport,
        AttachOptions,
        Change,
        CommitOptions,
        CommitReport,
        ContainerSummary,
        CopyOptions,
        ExecOptions,
        ExecReport,
        ExportOptions,
        HealthReport,
        ListContainersOptions,
        LogLine,
        LogsOptions,
        RemoveContainerOptions,
        RunReport,
        StatsReport,
        StopOptions,
        TopReport,
    )
    from hutch.api.events import Event, EventsOptions
    from hutch.api.images import (
        HistoryLine,
        ImageSummary,
        ImportOptions,
        ImportReport,
        LoginOptions,
        LogoutOptions,
        PruneReport,
        PullOptions,
        PullReport,
        PushOptions,
        PushReport,
        RegistryAccess,
        RemoveImageOptions,
        RemoveReport,
        SaveOptions,
    )
    from hutch.api.networks import (
        NetworkConnectOptions,
        NetworkCreateOptions,
        NetworkSummary,
        PortReport,
    )
    from hutch.api.system import InfoReport
    from hutch.api.volumes import (
        VolumeCreateOptions,
        VolumeListOptions,
        VolumeRemoveOptions,
        VolumeSummary,
    )
    from hutch.engine.build import BuildService
    from hutch.engine.container_admin import ContainerAdmin
    from hutch.engine.container_files import ContainerFilesService
    from hutch.engine.container_query import ContainerQueries
    from hutch.engine.containers import ContainerService
    from hutch.engine.distribution import Distribution
    from hutch.engine.image_tools import ImageTools
    from hutch.engine.images import ImageService
    from hutch.engine.lifecycle import LifecycleService
    from hutch.engine.networks import NetworkService
    from hutch.engine.system import SystemService
    from hutch.engine.volumes import VolumeService


class LocalEngine:
    """Implements ``hutch.api.engine.Engine`` in this process (no daemon).

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

    def _image_event(self, action: str, image_id: str, name: str, **attributes: str) -> None:
        from hutch.engine.events import record

        record(self._ctx.paths, "image", action, image_id, name, **attributes)

    def events(self, options: EventsOptions) -> Iterator[Event]:
        from hutch.engine.events import EventReader

        return EventReader(self._ctx.paths).events(options)

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
    def _image_tools(self) -> ImageTools:
        from hutch.engine.image_tools import ImageTools

        return ImageTools(self._ctx)

    @cached_property
    def _distribution(self) -> Distribution:
        from hutch.engine.distribution import Distribution

        return Distribution(self._ctx)

    @cached_property
    def _files(self) -> ContainerFilesService:
        from hutch.engine.container_files import ContainerFilesService

        return ContainerFilesService(self._ctx)

    @cached_property
    def _system(self) -> SystemService:
        from hutch.engine.system import SystemService

        return SystemService(self._ctx)

    @cached_property
    def _builds(self) -> BuildService:
        from hutch.engine.build import BuildService

        return BuildService(self._ctx)

    # images
    def import_image(self, options: ImportOptions) -> ImportReport:
        report = self._images.import_image(options)
        self._image_event("import", report.id, report.names[0] if report.names else "")
        return report

    def list_images(self) -> list[ImageSummary]:
        return self._images.list_images()

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]:
        reports = self._images.remove_images(options)
        for report in reports:
            for name in report.untagged:
                self._image_event("untag", report.deleted[0] if report.deleted else "", name)
            for image_id in report.deleted:
                self._image_event("remove", image_id, report.name)
        return reports

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return self._images.inspect_images(names)

    def pull(self, options: PullOptions) -> PullReport:
        return self._distribution.pull(options)

    def push(self, options: PushOptions) -> PushReport:
        return self._distribution.push(options)

    def login(self, options: LoginOptions) -> str:
        return self._distribution.login(options)

    def logout(self, options: LogoutOptions) -> list[str]:
        return self._distribution.logout(options)

    def tag_image(self, source: str, targets: Sequence[str]) -> None:
        self._image_tools.tag(source, targets)
        for target in targets:
            self._image_event("tag", "", target, source=source)

    def untag_image(self, source: str, targets: Sequence[str]) -> None:
        self._image_tools.untag(source, targets)

    def image_history(self, name: str) -> list[HistoryLine]:
        return self._image_tools.history(name)

    def image_exists(self, name: str) -> bool:
        return self._image_tools.exists(name)

    def prune_images(self, all: bool) -> PruneReport:
        return self._image_tools.prune(all)

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str:
        return self._image_tools.manifest_inspect(name, access)

    def save_images(self, options: SaveOptions) -> None:
        from hutch.engine.image_archive import save

        save(self._ctx, options.names, options.output, options.format)

    def load_images(self, source: str) -> list[str]:
        from hutch.engine.image_archive import load

        return load(self._ctx, source)

    def build(self, options: BuildOptions) -> BuildReport:
        return self._builds.build(options)

    # containers
    def run(self, options: RunOptions) -> RunReport:
        return self._containers.run(options)

    def create(self, options: RunOptions) -> str:
        return self._containers.create(options)

    def start(
        self,
        names: Sequence[str],
        *,
        attach: bool,
        interactive: bool,
        detach_keys: str | None = None,
        sig_proxy: bool = True,
    ) -> list[ActionReport]:
        return self._containers.start(
            names,
            attach=attach,
            interactive=interactive,
            detach_keys=detach_keys,
            sig_proxy=sig_proxy,
        )

    def stop(self, options: StopOptions) -> list[ActionReport]:
        return self._containers.stop(options)

    def kill(self, names: Sequence[str], signal: str, all: bool) -> list[ActionReport]:
        return self._containers.kill(names, signal, all)

    def restart(self, options: StopOptions) -> list[ActionReport]:
        return self._containers.restart(options)

    def remove_containers(self, options: RemoveContainerOptions) -> list[ActionReport]:
        return self._containers.remove_containers(options)

    def rename_container(self, name: str, new_name: str) -> str:
        return self._admin.rename(name, new_name)

    def container_exists(self, name: str) -> bool:
        return self._admin.exists(name)

    def prune_containers(self) -> list[ActionReport]:
        return self._admin.prune()

    def wait(self, names: Sequence[str], conditions: Sequence[str]) -> list[ActionReport]:
        return self._containers.wait(names, conditions)

    def container_cleanup(self, container_id: str) -> None:
        self._containers.container_cleanup(container_id)

    def exec_container(self, options: ExecOptions) -> ExecReport:
        return self._lifecycle.exec_container(options)

    def attach(self, options: AttachOptions) -> int:
        return self._lifecycle.attach(options)

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        return self._lifecycle.top(name, descriptors)

    def pause(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        return self._lifecycle.pause(names, all)

    def unpause(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        return self._lifecycle.unpause(names, all)

    def healthcheck_run(self, name: str) -> HealthReport:
        return self._lifecycle.healthcheck_run(name)

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]:
        return self._queries.list_containers(options)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        return self._queries.logs(options)

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]:
        return self._queries.inspect_containers(names)

    # container file systems
    def copy(self, options: CopyOptions) -> None:
        self._files.copy(options)

    def diff(self, name: str) -> list[Change]:
        return self._files.diff(name)

    def commit(self, options: CommitOptions) -> CommitReport:
        return self._files.commit(options)

    def export(self, options: ExportOptions, out: BinaryIO) -> None:
        self._files.export(options, out)

    # system
    def info(self) -> InfoReport:
        return self._system.info()

    def unshare(self, command: Sequence[str]) -> int:
        return self._system.unshare(command)

    def migrate(self) -> bool:
        return self._system.migrate()

    def reset(self) -> None:
        self._system.reset()

    # volumes (engine/volumes.py)
    @cached_property
    def _volumes(self) -> VolumeService:
        from hutch.engine.volumes import VolumeService

        def remove_users(ids: Sequence[str]) -> list[ActionReport]:
            from hutch.api.containers import RemoveContainerOptions

            return self.remove_containers(RemoveContainerOptions(tuple(ids), force=True))

        return VolumeService(self._ctx, remove_users)

    def create_volume(self, options: VolumeCreateOptions) -> str:
        return self._volumes.create_volume(options)

    def list_volumes(self, options: VolumeListOptions) -> list[VolumeSummary]:
        return self._volumes.list_volumes(options)

    def inspect_volumes(self, names: Sequence[str], all: bool) -> list[VolumeSummary]:
        return self._volumes.inspect_volumes(names, all)

    def remove_volumes(self, options: VolumeRemoveOptions) -> list[ActionReport]:
        return self._volumes.remove_volumes(options)

    def prune_volumes(self, filters: Sequence[str] = ()) -> list[str]:
        return self._volumes.prune_volumes(filters)

    def volume_exists(self, name: str) -> bool:
        return self._volumes.volume_exists(name)

    def export_volume(self, name: str, out: BinaryIO) -> None:
        self._volumes.export_volume(name, out)

    def import_volume(self, name: str, source: BinaryIO) -> None:
        self._volumes.import_volume(name, source)

    # networks (engine/networks.py) and published ports (engine/netquery.py)
    @cached_property
    def _networks(self) -> NetworkService:
        from hutch.engine.networks import NetworkService

        def remove_users(ids: Sequence[str]) -> list[ActionReport]:
            from hutch.api.containers import RemoveContainerOptions

            return self.remove_containers(RemoveContainerOptions(tuple(ids), force=True))

        return NetworkService(self._ctx, remove_users)

    def container_ports(self, names: Sequence[str], all: bool) -> list[PortReport]:
        from hutch.engine.netquery import container_ports

        return container_ports(self._ctx, names, all)

    def create_network(self, options: NetworkCreateOptions) -> NetworkSummary:
        return self._networks.create_network(options)

    def list_networks(self, filters: Sequence[str]) -> list[NetworkSummary]:
        return self._networks.list_networks(filters)

    def inspect_networks(self, names: Sequence[str]) -> list[NetworkSummary]:
        return self._networks.inspect_networks(names)

    def remove_networks(
        self, names: Sequence[str], force: bool, timeout: int | None
    ) -> list[ActionReport]:
        return self._networks.remove_networks(names, force, timeout)

    def prune_networks(self, filters: Sequence[str]) -> list[str]:
        return self._networks.prune_networks(filters)

    def network_exists(self, name: str) -> bool:
        return self._networks.network_exists(name)

    def connect_network(self, options: NetworkConnectOptions) -> None:
        self._networks.connect_network(options)

    def disconnect_network(self, network: str, container: str, force: bool) -> None:
        self._networks.disconnect_network(network, container, force)

    def reload_networks(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        return self._networks.reload_networks(names, all)

    # -- resource limits (cgroups issue) -------------------------------------------

    def update(self, name: str, options: ResourceOptions) -> str:
        from hutch.engine.resource_ops import ResourceService

        return ResourceService(self._ctx).update(name, options)

    def stats(self, names: Sequence[str], all: bool) -> list[StatsReport]:
        from hutch.engine.resource_ops import ResourceService

        return ResourceService(self._ctx).stats(names, all)

"""An in-memory engine for CLI tests: implements ``hutch.api.engine.Engine``.

It records every call (method name and arguments) and answers with canned
reports set by the test, or raises the exception the test asked for, so
that the CLI can be checked for parsing, rendering and exit codes without
storage, namespaces or privileges.

Test files import it as ``unit.fakes`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``); type-check them with ``MYPYPATH=tests``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pytest

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
from hutch.api.engine import Engine
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


@dataclass
class FakeEngine:
    """Canned answers in the public fields; ``calls`` records what the CLI asked."""

    images: list[ImageSummary] = field(default_factory=list)
    remove_reports: list[RemoveReport] = field(default_factory=list)
    inspect_data: list[dict[str, Any]] = field(default_factory=list)
    info_report: InfoReport = field(default_factory=lambda: InfoReport("0.0-test"))
    import_report: ImportReport = field(default_factory=lambda: ImportReport("0" * 64, ()))
    run_status: int = 0
    container_id: str = "f" * 64
    action_reports: list[ActionReport] = field(default_factory=list)
    containers: list[ContainerSummary] = field(default_factory=list)
    log_lines: list[LogLine] = field(default_factory=list)
    unshare_status: int = 0
    migrated: bool = True
    top_report: TopReport = field(default_factory=lambda: TopReport(("PID",), (("1",),)))
    health_report: HealthReport = field(default_factory=lambda: HealthReport("healthy", 0, ""))
    volumes: list[VolumeSummary] = field(default_factory=list)
    port_reports: list[PortReport] = field(default_factory=list)
    network_summaries: list[NetworkSummary] = field(default_factory=list)
    # Raised by the next engine call instead of answering (errors → exit codes).
    error: BaseException | None = None
    changes: list[Change] = field(default_factory=list)
    export_bytes: bytes = b"tar"
    history_lines: list[HistoryLine] = field(default_factory=list)
    existing_images: tuple[str, ...] = ()
    calls: list[tuple[str, Any]] = field(default_factory=list)
    event_list: list[Event] = field(default_factory=list)
    start_attach_flags: tuple[str | None, bool] = (None, True)  # last start's keys, sig-proxy

    def _record(self, method: str, argument: Any) -> None:
        self.calls.append((method, argument))
        if self.error is not None:
            raise self.error

    def only_call(self, method: str) -> Any:
        """The argument of the single call the CLI made; fails on anything else."""
        assert [name for name, _ in self.calls] == [method], self.calls
        return self.calls[0][1]

    def import_image(self, options: ImportOptions) -> ImportReport:
        self._record("import_image", options)
        return self.import_report

    def build(self, options: BuildOptions) -> BuildReport:
        self._record("build", options)
        return BuildReport("b" * 64, tuple(options.tags))

    def list_images(self) -> list[ImageSummary]:
        self._record("list_images", None)
        return list(self.images)

    def remove_images(self, options: RemoveImageOptions) -> list[RemoveReport]:
        self._record("remove_images", options)
        return list(self.remove_reports)

    def inspect_images(self, names: Sequence[str]) -> list[dict[str, Any]]:
        self._record("inspect_images", tuple(names))
        return list(self.inspect_data)

    def run(self, options: RunOptions) -> RunReport:
        self._record("run", options)
        return RunReport(self.container_id, None if options.detach else self.run_status)

    def create(self, options: RunOptions) -> str:
        self._record("create", options)
        return self.container_id

    def start(
        self,
        names: Sequence[str],
        *,
        attach: bool,
        interactive: bool,
        detach_keys: str | None = None,
        sig_proxy: bool = True,
    ) -> list[ActionReport]:
        self._record("start", (tuple(names), attach, interactive))
        self.start_attach_flags = (detach_keys, sig_proxy)
        return list(self.action_reports)

    def stop(self, options: StopOptions) -> list[ActionReport]:
        self._record("stop", options)
        return list(self.action_reports)

    def kill(self, names: Sequence[str], signal: str, all: bool) -> list[ActionReport]:
        self._record("kill", (tuple(names), signal, all))
        return list(self.action_reports)

    def restart(self, options: StopOptions) -> list[ActionReport]:
        self._record("restart", options)
        return list(self.action_reports)

    def remove_containers(self, options: RemoveContainerOptions) -> list[ActionReport]:
        self._record("remove_containers", options)
        return list(self.action_reports)

    def wait(self, names: Sequence[str], conditions: Sequence[str]) -> list[ActionReport]:
        self._record("wait", (tuple(names), tuple(conditions)))
        return list(self.action_reports)

    def list_containers(self, options: ListContainersOptions) -> list[ContainerSummary]:
        self._record("list_containers", options)
        return list(self.containers)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        self._record("logs", options)
        return iter(self.log_lines)

    def inspect_containers(self, names: Sequence[str]) -> list[dict[str, Any]]:
        self._record("inspect_containers", tuple(names))
        return list(self.inspect_data)

    def container_cleanup(self, container_id: str) -> None:
        self._record("container_cleanup", container_id)

    def exec_container(self, options: ExecOptions) -> ExecReport:
        self._record("exec_container", options)
        return ExecReport("e" * 64, None if options.detach else self.run_status)

    def attach(self, options: AttachOptions) -> int:
        self._record("attach", options)
        return self.run_status

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        self._record("top", (name, tuple(descriptors)))
        return self.top_report

    def pause(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        self._record("pause", (tuple(names), all))
        return list(self.action_reports)

    def unpause(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        self._record("unpause", (tuple(names), all))
        return list(self.action_reports)

    def update(self, name: str, options: ResourceOptions) -> str:
        self._record("update", (name, options))
        return name

    def stats(self, names: Sequence[str], all: bool) -> list[StatsReport]:
        self._record("stats", (tuple(names), all))
        return []

    def healthcheck_run(self, name: str) -> HealthReport:
        self._record("healthcheck_run", name)
        return self.health_report

    def info(self) -> InfoReport:
        self._record("info", None)
        return self.info_report

    def unshare(self, command: Sequence[str]) -> int:
        self._record("unshare", tuple(command))
        return self.unshare_status

    def migrate(self) -> bool:
        self._record("migrate", None)
        return self.migrated

    def reset(self) -> None:
        self._record("reset", None)

    def copy(self, options: CopyOptions) -> None:
        self._record("copy", options)

    def diff(self, name: str) -> list[Change]:
        self._record("diff", name)
        return list(self.changes)

    def commit(self, options: CommitOptions) -> CommitReport:
        self._record("commit", options)
        return CommitReport("c" * 64, ())

    def export(self, options: ExportOptions, out: BinaryIO) -> None:
        self._record("export", options)
        out.write(self.export_bytes)

    # volumes
    def create_volume(self, options: VolumeCreateOptions) -> str:
        self._record("create_volume", options)
        return options.name or "v" * 64

    def list_volumes(self, options: VolumeListOptions) -> list[VolumeSummary]:
        self._record("list_volumes", options)
        return list(self.volumes)

    def inspect_volumes(self, names: Sequence[str], all: bool) -> list[VolumeSummary]:
        self._record("inspect_volumes", (tuple(names), all))
        return [v for v in self.volumes if all or v.name in names]

    def remove_volumes(self, options: VolumeRemoveOptions) -> list[ActionReport]:
        self._record("remove_volumes", options)
        return list(self.action_reports)

    def prune_volumes(self, filters: Sequence[str] = ()) -> list[str]:
        self._record("prune_volumes", tuple(filters))
        return [v.name for v in self.volumes]

    def volume_exists(self, name: str) -> bool:
        self._record("volume_exists", name)
        return any(v.name == name for v in self.volumes)

    def export_volume(self, name: str, out: BinaryIO) -> None:
        self._record("export_volume", name)
        out.write(self.export_bytes)

    def import_volume(self, name: str, source: BinaryIO) -> None:
        self._record("import_volume", (name, source.read()))

    # networking issue: hutch port, hutch network ...
    def container_ports(self, names: Sequence[str], all: bool) -> list[PortReport]:
        self._record("container_ports", (tuple(names), all))
        return list(self.port_reports)

    def create_network(self, options: NetworkCreateOptions) -> NetworkSummary:
        self._record("create_network", options)
        return self.network_summaries[0]

    def list_networks(self, filters: Sequence[str]) -> list[NetworkSummary]:
        self._record("list_networks", tuple(filters))
        return list(self.network_summaries)

    def inspect_networks(self, names: Sequence[str]) -> list[NetworkSummary]:
        self._record("inspect_networks", tuple(names))
        return [n for n in self.network_summaries if n.name in names]

    def remove_networks(
        self, names: Sequence[str], force: bool, timeout: int | None
    ) -> list[ActionReport]:
        self._record("remove_networks", (tuple(names), force, timeout))
        return [ActionReport(n, n) for n in names]

    def prune_networks(self, filters: Sequence[str]) -> list[str]:
        self._record("prune_networks", tuple(filters))
        return []

    def network_exists(self, name: str) -> bool:
        self._record("network_exists", name)
        return any(n.name == name for n in self.network_summaries)

    def connect_network(self, options: NetworkConnectOptions) -> None:
        self._record("connect_network", options)

    def disconnect_network(self, network: str, container: str, force: bool) -> None:
        self._record("disconnect_network", (network, container, force))

    def reload_networks(self, names: Sequence[str], all: bool) -> list[ActionReport]:
        self._record("reload_networks", (tuple(names), all))
        return [ActionReport(n, n) for n in names]

    # images issue: distribution and the image toolbox
    def pull(self, options: PullOptions) -> PullReport:
        self._record("pull", options)
        return PullReport(("1" * 64,), (options.reference,))

    def push(self, options: PushOptions) -> PushReport:
        self._record("push", options)
        return PushReport(options.destination or options.source, "sha256:" + "2" * 64)

    def login(self, options: LoginOptions) -> str:
        self._record("login", options)
        return "Login Succeeded!"

    def logout(self, options: LogoutOptions) -> list[str]:
        self._record("logout", options)
        return [f"Removed login credentials for {options.registry}"]

    def tag_image(self, source: str, targets: Sequence[str]) -> None:
        self._record("tag_image", (source, list(targets)))

    def untag_image(self, source: str, targets: Sequence[str]) -> None:
        self._record("untag_image", (source, list(targets)))

    def image_history(self, name: str) -> list[HistoryLine]:
        self._record("image_history", name)
        return list(self.history_lines)

    def rename_container(self, name: str, new_name: str) -> str:
        self._record("rename_container", (name, new_name))
        return self.container_id

    def container_exists(self, name: str) -> bool:
        self._record("container_exists", name)
        return name in self.existing_images

    def prune_containers(self) -> list[ActionReport]:
        self._record("prune_containers", None)
        return list(self.action_reports)

    def events(self, options: EventsOptions) -> Iterator[Event]:
        self._record("events", options)
        return iter(self.event_list)

    def image_exists(self, name: str) -> bool:
        self._record("image_exists", name)
        return name in self.existing_images

    def prune_images(self, all: bool) -> PruneReport:
        self._record("prune_images", all)
        return PruneReport(("3" * 64,), 10)

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str:
        self._record("manifest_inspect", (name, access))
        return "{}"

    def save_images(self, options: SaveOptions) -> None:
        self._record("save_images", options)

    def load_images(self, source: str) -> list[str]:
        self._record("load_images", source)
        return ["localhost/loaded:latest"]


def as_engine(fake: FakeEngine) -> Engine:
    """Typed view: mypy checks here that the fake satisfies the protocol."""
    return fake


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(
    argv: list[str],
    engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> CliResult:
    """Run ``hutch ARGV`` in-process against ``engine``; the exit code comes from SystemExit."""
    from hutch.cli import app

    del monkeypatch  # kept in the signature: callers pass it
    capsys.readouterr()  # drop anything printed before this command
    with pytest.raises(SystemExit) as exc_info:
        app.main(argv, engine=engine)
    captured = capsys.readouterr()
    code = exc_info.value.code
    assert isinstance(code, int), f"exit code {code!r} is not an int"
    return CliResult(code, captured.out, captured.err)

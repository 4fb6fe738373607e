"""An in-memory engine for CLI tests: implements ``hutch.api.engine.Engine``.

It records every call (``noun.verb`` and arguments) and answers with canned
reports set by the test, or raises the exception the test asked for, so
that the CLI can be checked for parsing, rendering and exit codes without
storage, namespaces or privileges. ``FakeEngine`` holds the canned answers and
the calls; one small fake per noun answers from them.

Test files import it as ``unit.fakes`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``); type-check them with ``MYPYPATH=tests``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pytest

from hutch.api.build import BuildOptions, BuildReport
from hutch.api.common import PruneReport
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
from hutch.api.engine import Engine
from hutch.api.events import Event, EventsOptions
from hutch.api.images import (
    HistoryLine,
    ImageInspect,
    ImagePruneOptions,
    ImageSummary,
    ImportOptions,
    ImportReport,
    LoginOptions,
    LogoutOptions,
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
    NetworkDisconnectOptions,
    NetworkReloadOptions,
    NetworkRemoveOptions,
    NetworkSummary,
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

    image_list: list[ImageSummary] = field(default_factory=list)
    remove_reports: list[RemoveReport] = field(default_factory=list)
    container_inspects: list[ContainerInspect] = field(default_factory=list)
    image_inspects: list[ImageInspect] = field(default_factory=list)
    info_report: InfoReport = field(default_factory=lambda: InfoReport("0.0-test"))
    import_report: ImportReport = field(default_factory=lambda: ImportReport("0" * 64, ()))
    run_status: int = 0
    container_id: str = "f" * 64
    action_reports: list[ActionReport] = field(default_factory=list)
    container_list: list[ContainerSummary] = field(default_factory=list)
    log_lines: list[LogLine] = field(default_factory=list)
    unshare_status: int = 0
    migrated: bool = True
    top_report: TopReport = field(default_factory=lambda: TopReport(("PID",), (("1",),)))
    health_report: HealthReport = field(default_factory=lambda: HealthReport("healthy", 0, ""))
    volume_list: list[VolumeSummary] = field(default_factory=list)
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

    def record(self, method: str, argument: Any) -> None:
        self.calls.append((method, argument))
        if self.error is not None:
            raise self.error

    def only_call(self, method: str) -> Any:
        """The argument of the single call the CLI made; fails on anything else."""
        assert [name for name, _ in self.calls] == [method], self.calls
        return self.calls[0][1]

    @property
    def containers(self) -> FakeContainers:
        return FakeContainers(self)

    @property
    def images(self) -> FakeImages:
        return FakeImages(self)

    @property
    def networks(self) -> FakeNetworks:
        return FakeNetworks(self)

    @property
    def volumes(self) -> FakeVolumes:
        return FakeVolumes(self)

    @property
    def system(self) -> FakeSystem:
        return FakeSystem(self)


@dataclass
class FakeContainers:
    e: FakeEngine

    def run(self, options: RunOptions) -> RunReport:
        self.e.record("containers.run", options)
        return RunReport(self.e.container_id, None if options.detach else self.e.run_status)

    def create(self, options: RunOptions) -> str:
        self.e.record("containers.create", options)
        return self.e.container_id

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]:
        self.e.record("containers.start", (tuple(names), options.attach, options.interactive))
        self.e.start_attach_flags = (options.detach_keys, options.sig_proxy)
        return list(self.e.action_reports)

    def _act(self, verb: str, names: Sequence[str], options: object) -> list[ActionReport]:
        self.e.record(f"containers.{verb}", (tuple(names), options))
        return list(self.e.action_reports)

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        return self._act("stop", names, options)

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]:
        return self._act("kill", names, options)

    def restart(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        return self._act("restart", names, options)

    def remove(self, names: Sequence[str], options: RemoveContainerOptions) -> list[ActionReport]:
        return self._act("remove", names, options)

    def pause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._act("pause", names, options)

    def unpause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        return self._act("unpause", names, options)

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]:
        return self._act("wait", names, options)

    def prune(self) -> list[ActionReport]:
        self.e.record("containers.prune", None)
        return list(self.e.action_reports)

    def rename(self, name: str, new_name: str) -> str:
        self.e.record("containers.rename", (name, new_name))
        return self.e.container_id

    def exists(self, name: str) -> bool:
        self.e.record("containers.exists", name)
        return name in self.e.existing_images

    def ls(self, options: ListContainersOptions) -> list[ContainerSummary]:
        self.e.record("containers.ls", options)
        return list(self.e.container_list)

    def inspect(self, names: Sequence[str]) -> list[ContainerInspect]:
        self.e.record("containers.inspect", tuple(names))
        return list(self.e.container_inspects)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        self.e.record("containers.logs", options)
        return iter(self.e.log_lines)

    def cleanup(self, container_id: str) -> None:
        self.e.record("containers.cleanup", container_id)

    def exec(self, options: ExecOptions) -> ExecReport:
        self.e.record("containers.exec", options)
        return ExecReport("e" * 64, None if options.detach else self.e.run_status)

    def attach(self, options: AttachOptions) -> int:
        self.e.record("containers.attach", options)
        return self.e.run_status

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        self.e.record("containers.top", (name, tuple(descriptors)))
        return self.e.top_report

    def healthcheck(self, name: str) -> HealthReport:
        self.e.record("containers.healthcheck", name)
        return self.e.health_report

    def port(self, names: Sequence[str], options: PortOptions) -> list[PortReport]:
        self.e.record("containers.port", (tuple(names), options))
        return list(self.e.port_reports)

    def update(self, name: str, options: ResourceOptions) -> str:
        self.e.record("containers.update", (name, options))
        return name

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        self.e.record("containers.stats", (tuple(names), options))
        return []

    def copy(self, options: CopyOptions) -> None:
        self.e.record("containers.copy", options)

    def diff(self, name: str) -> list[Change]:
        self.e.record("containers.diff", name)
        return list(self.e.changes)

    def commit(self, options: CommitOptions) -> CommitReport:
        self.e.record("containers.commit", options)
        return CommitReport("c" * 64, ())

    def export(self, options: ExportOptions, out: BinaryIO) -> None:
        self.e.record("containers.export", options)
        out.write(self.e.export_bytes)


@dataclass
class FakeImages:
    e: FakeEngine

    def import_(self, options: ImportOptions) -> ImportReport:
        self.e.record("images.import_", options)
        return self.e.import_report

    def ls(self) -> list[ImageSummary]:
        self.e.record("images.ls", None)
        return list(self.e.image_list)

    def remove(self, names: Sequence[str], options: RemoveImageOptions) -> list[RemoveReport]:
        self.e.record("images.remove", (tuple(names), options))
        return list(self.e.remove_reports)

    def inspect(self, names: Sequence[str]) -> list[ImageInspect]:
        self.e.record("images.inspect", tuple(names))
        return list(self.e.image_inspects)

    def tag(self, source: str, targets: Sequence[str]) -> None:
        self.e.record("images.tag", (source, list(targets)))

    def untag(self, source: str, targets: Sequence[str]) -> None:
        self.e.record("images.untag", (source, list(targets)))

    def history(self, name: str) -> list[HistoryLine]:
        self.e.record("images.history", name)
        return list(self.e.history_lines)

    def exists(self, name: str) -> bool:
        self.e.record("images.exists", name)
        return name in self.e.existing_images

    def prune(self, options: ImagePruneOptions) -> list[PruneReport]:
        self.e.record("images.prune", options)
        return [PruneReport("3" * 64, 10)]

    def pull(self, options: PullOptions) -> PullReport:
        self.e.record("images.pull", options)
        return PullReport(("1" * 64,), (options.reference,))

    def push(self, options: PushOptions) -> PushReport:
        self.e.record("images.push", options)
        return PushReport(options.destination or options.source, "sha256:" + "2" * 64)

    def login(self, options: LoginOptions) -> str:
        self.e.record("images.login", options)
        return "Login Succeeded!"

    def logout(self, options: LogoutOptions) -> list[str]:
        self.e.record("images.logout", options)
        return [f"Removed login credentials for {options.registry}"]

    def manifest_inspect(self, name: str, access: RegistryAccess) -> str:
        self.e.record("images.manifest_inspect", (name, access))
        return "{}"

    def save(self, options: SaveOptions) -> None:
        self.e.record("images.save", options)

    def load(self, source: str) -> list[str]:
        self.e.record("images.load", source)
        return ["localhost/loaded:latest"]

    def build(self, options: BuildOptions) -> BuildReport:
        self.e.record("images.build", options)
        return BuildReport("b" * 64, tuple(options.tags))


@dataclass
class FakeNetworks:
    e: FakeEngine

    def create(self, options: NetworkCreateOptions) -> NetworkSummary:
        self.e.record("networks.create", options)
        return self.e.network_summaries[0]

    def ls(self, filters: Sequence[str]) -> list[NetworkSummary]:
        self.e.record("networks.ls", tuple(filters))
        return list(self.e.network_summaries)

    def inspect(self, names: Sequence[str]) -> list[NetworkSummary]:
        self.e.record("networks.inspect", tuple(names))
        return [n for n in self.e.network_summaries if n.name in names]

    def remove(self, names: Sequence[str], options: NetworkRemoveOptions) -> list[ActionReport]:
        self.e.record("networks.remove", (tuple(names), options))
        return [ActionReport(n, n) for n in names]

    def prune(self, filters: Sequence[str]) -> list[PruneReport]:
        self.e.record("networks.prune", tuple(filters))
        return []

    def exists(self, name: str) -> bool:
        self.e.record("networks.exists", name)
        return any(n.name == name for n in self.e.network_summaries)

    def connect(self, options: NetworkConnectOptions) -> None:
        self.e.record("networks.connect", options)

    def disconnect(self, network: str, options: NetworkDisconnectOptions) -> None:
        self.e.record("networks.disconnect", (network, options))

    def reload(self, names: Sequence[str], options: NetworkReloadOptions) -> list[ActionReport]:
        self.e.record("networks.reload", (tuple(names), options))
        return [ActionReport(n, n) for n in names]


@dataclass
class FakeVolumes:
    e: FakeEngine

    def create(self, options: VolumeCreateOptions) -> str:
        self.e.record("volumes.create", options)
        return options.name or "v" * 64

    def ls(self, options: VolumeListOptions) -> list[VolumeSummary]:
        self.e.record("volumes.ls", options)
        return list(self.e.volume_list)

    def inspect(self, names: Sequence[str], all: bool) -> list[VolumeSummary]:
        self.e.record("volumes.inspect", (tuple(names), all))
        return [v for v in self.e.volume_list if all or v.name in names]

    def remove(self, names: Sequence[str], options: VolumeRemoveOptions) -> list[ActionReport]:
        self.e.record("volumes.remove", (tuple(names), options))
        return list(self.e.action_reports)

    def prune(self, filters: Sequence[str]) -> list[PruneReport]:
        self.e.record("volumes.prune", tuple(filters))
        return [PruneReport(v.name) for v in self.e.volume_list]

    def exists(self, name: str) -> bool:
        self.e.record("volumes.exists", name)
        return any(v.name == name for v in self.e.volume_list)

    def export(self, name: str, out: BinaryIO) -> None:
        self.e.record("volumes.export", name)
        out.write(self.e.export_bytes)

    def import_(self, name: str, source: BinaryIO) -> None:
        self.e.record("volumes.import_", (name, source.read()))


@dataclass
class FakeSystem:
    e: FakeEngine

    def info(self) -> InfoReport:
        self.e.record("system.info", None)
        return self.e.info_report

    def unshare(self, command: Sequence[str]) -> int:
        self.e.record("system.unshare", tuple(command))
        return self.e.unshare_status

    def migrate(self) -> bool:
        self.e.record("system.migrate", None)
        return self.e.migrated

    def reset(self) -> None:
        self.e.record("system.reset", None)

    def events(self, options: EventsOptions) -> Iterator[Event]:
        self.e.record("system.events", options)
        return iter(self.e.event_list)

    def enter_session(self) -> None:
        self.e.record("system.enter_session", None)


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

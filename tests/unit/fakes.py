"""An in-memory engine for CLI tests: answers ``hutch.api.engine.Engine``.

It records every call (``noun.verb`` and its arguments) and answers with
canned reports set by the test, or raises the exception the test asked for,
so that the CLI can be checked for parsing, rendering and exit codes without
storage, namespaces or privileges. No verb is written out here: a call is
checked against the verb's signature in the ``api`` protocol (an unknown verb
or a wrong argument fails the test), and the answer comes from ``ANSWERS``.

A call is recorded as its arguments after ``self``: one argument as itself,
several as a tuple, none as None; a list of names becomes a tuple. A stream
parameter named ``out`` receives ``export_bytes`` and is not recorded; any
other stream is read and recorded as its bytes.

Test files import it as ``unit.fakes`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``); type-check them with ``MYPYPATH=tests``.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from hutch.api.artifacts import ArtifactInspect, Artifacts, ArtifactSummary
from hutch.api.build import BuildReport
from hutch.api.common import PruneReport
from hutch.api.containers import (
    ActionReport,
    Change,
    CommitReport,
    ContainerInspect,
    ContainerMount,
    Containers,
    ContainerStateInspect,
    ContainerSummary,
    ExecReport,
    HealthReport,
    LogLine,
    PortReport,
    RunReport,
    TopReport,
)
from hutch.api.engine import Engine
from hutch.api.events import Event
from hutch.api.image_scp import ScpReport
from hutch.api.images import (
    HistoryLine,
    ImageInspect,
    Images,
    ImageSummary,
    ImportReport,
    PullReport,
    PushReport,
    RemoveReport,
    SearchResult,
)
from hutch.api.networks import Networks, NetworkSummary
from hutch.api.pods import PodInspect, Pods, PodSummary
from hutch.api.secrets import SecretInfo, Secrets
from hutch.api.system import AutoUpdateResult, InfoReport, System
from hutch.api.volumes import Volumes, VolumeSummary


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
    pod_summaries: list[PodSummary] = field(default_factory=list)
    pod_inspects: list[PodInspect] = field(default_factory=list)
    search_results: list[SearchResult] = field(default_factory=list)
    container_mounts: list[ContainerMount] = field(default_factory=list)
    auto_update_result: AutoUpdateResult = field(default_factory=AutoUpdateResult)
    artifact_list: list[ArtifactSummary] = field(default_factory=list)
    secret_list: list[SecretInfo] = field(default_factory=list)
    # generate spec's documents by name (a name not here: no such container / pod)
    container_specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    pod_specs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, method: str, argument: Any) -> None:
        self.calls.append((method, argument))
        if self.error is not None:
            raise self.error

    def only_call(self, method: str) -> Any:
        """The argument of the single call the CLI made; fails on anything else
        (``QUESTIONS``, which change nothing, aside)."""
        made = [(name, argument) for name, argument in self.calls if name not in QUESTIONS]
        assert [name for name, _ in made] == [method], self.calls
        return made[0][1]

    @property
    def containers(self) -> Any:
        return FakeNoun(self, "containers", Containers)

    @property
    def images(self) -> Any:
        return FakeNoun(self, "images", Images)

    @property
    def networks(self) -> Any:
        return FakeNoun(self, "networks", Networks)

    @property
    def volumes(self) -> Any:
        return FakeNoun(self, "volumes", Volumes)

    @property
    def system(self) -> Any:
        return FakeNoun(self, "system", System)

    @property
    def pods(self) -> Any:
        return FakeNoun(self, "pods", Pods)

    @property
    def secrets(self) -> Any:
        return FakeNoun(self, "secrets", Secrets)

    @property
    def artifacts(self) -> Any:
        return FakeNoun(self, "artifacts", Artifacts)


def _state_keys(report: ContainerInspect) -> ContainerStateInspect:
    """The keys of a canned report that inspect_state answers, as the engine's do
    (the same values: engine/container_state_query.py builds both)."""
    return ContainerStateInspect(
        id=report.id,
        created=report.created,
        state=report.state,
        image=report.image,
        image_name=report.image_name,
        name=report.name,
        restart_count=report.restart_count,
    )


# Verbs that ask the engine about options and change nothing (create asks whether
# to print the id): ``only_call`` passes over them.
QUESTIONS = frozenset({"containers.passes_streams"})

# What a verb answers, from the engine and the call's arguments. Verbs not listed
# answer by their declared return: None, the canned action_reports for
# list[ActionReport], an empty list for other lists.
ANSWERS: dict[str, Callable[..., Any]] = {
    "containers.run": lambda e, o: RunReport(e.container_id, None if o.detach else e.run_status),
    "containers.create": lambda e, o: e.container_id,
    "containers.passes_streams": lambda e, o: o.log.passes_streams,  # no containers.conf
    "containers.clone": lambda e, o: e.container_id,
    "containers.rename": lambda e, name, new: e.container_id,
    "containers.exists": lambda e, name: name in e.existing_images,
    "containers.spec": lambda e, name, new_name: _spec(e.container_specs, name),
    "containers.ls": lambda e, o: list(e.container_list),
    "containers.inspect": lambda e, names, o: list(e.container_inspects),
    "containers.inspect_state": lambda e, names: [_state_keys(r) for r in e.container_inspects],
    "containers.logs": lambda e, o: iter(e.log_lines),
    "containers.exec": lambda e, o: ExecReport("e" * 64, None if o.detach else e.run_status),
    "containers.attach": lambda e, o: e.run_status,
    "containers.top": lambda e, name, descriptors: e.top_report,
    "containers.healthcheck": lambda e, name: e.health_report,
    "containers.port": lambda e, names, o: list(e.port_reports),
    "containers.update": lambda e, name, o, restart=None: name,
    "containers.diff": lambda e, name, other=None, images=False: list(e.changes),
    "containers.commit": lambda e, o: CommitReport("c" * 64, ()),
    "containers.mount": lambda e, names, all: [f"/m/{n}" for n in names],
    "containers.mounted": lambda e: list(e.container_mounts),
    "images.import_": lambda e, o: e.import_report,
    "images.ls": lambda e: list(e.image_list),
    "images.remove": lambda e, names, o: list(e.remove_reports),
    "images.inspect": lambda e, names: list(e.image_inspects),
    "images.history": lambda e, name: list(e.history_lines),
    "images.exists": lambda e, name: name in e.existing_images,
    "images.prune": lambda e, o: [PruneReport("3" * 64, 10)],
    "images.pull": lambda e, o: PullReport(("1" * 64,), (o.reference,)),
    "images.push": lambda e, o: PushReport(o.destination or o.source, "sha256:" + "2" * 64),
    "images.login": lambda e, o: "Login Succeeded!",
    "images.logout": lambda e, o: [f"Removed login credentials for {o.registry}"],
    "images.manifest_inspect": lambda e, name, access: "{}",
    "images.manifest_create": lambda e, o: "1" * 64,
    "images.manifest_add": lambda e, o: "1" * 64,
    "images.manifest_remove": lambda e, name, digest: "1" * 64,
    "images.manifest_annotate": lambda e, o: "1" * 64,
    "images.manifest_exists": lambda e, name: name in e.existing_images,
    "images.manifest_push": lambda e, o: "sha256:" + "2" * 64,
    "images.manifest_rm": lambda e, names: list(e.remove_reports),
    "images.load": lambda e, source, cancelled, progress: ["localhost/loaded:latest"],
    "images.search": lambda e, o: list(e.search_results),
    "images.scp": lambda e, o: ScpReport(("localhost/loaded:latest",)),
    "images.build": lambda e, o: BuildReport("b" * 64, tuple(o.tags)),
    "networks.create": lambda e, o: e.network_summaries[0],
    "networks.ls": lambda e, filters: list(e.network_summaries),
    "networks.inspect": lambda e, names: [n for n in e.network_summaries if n.name in names],
    "networks.remove": lambda e, names, o: [ActionReport(n, n) for n in names],
    "networks.exists": lambda e, name: any(n.name == name for n in e.network_summaries),
    "networks.reload": lambda e, names, o: [ActionReport(n, n) for n in names],
    "networks.update": lambda e, name, o: e.network_summaries[0],
    "volumes.create": lambda e, o: o.name or "v" * 64,
    "volumes.ls": lambda e, o: list(e.volume_list),
    "volumes.inspect": lambda e, names, all: [v for v in e.volume_list if all or v.name in names],
    "volumes.prune": lambda e, filters: [PruneReport(v.name) for v in e.volume_list],
    "volumes.exists": lambda e, name: any(v.name == name for v in e.volume_list),
    "secrets.create": lambda e, o: "5" * 25,
    "secrets.ls": lambda e, filters: list(e.secret_list),
    "secrets.inspect": lambda e, name, show: _secret(e, name, show),
    "secrets.exists": lambda e, name: any(name in (s.name, s.id) for s in e.secret_list),
    "pods.create": lambda e, o: "p" * 64,
    "pods.exists": lambda e, name: any(p.name == name for p in e.pod_summaries),
    "pods.spec": lambda e, name, new_name: _spec(e.pod_specs, name),
    "pods.ls": lambda e, o: list(e.pod_summaries),
    "pods.inspect": lambda e, names: list(e.pod_inspects),
    "pods.prune": lambda e: [PruneReport(p.id) for p in e.pod_summaries],
    "pods.top": lambda e, name, descriptors: e.top_report,
    "pods.logs": lambda e, o: iter(()),
    "pods.clone": lambda e, name, o: "q" * 64,
    "artifacts.add": lambda e, o: "a" * 64,
    "artifacts.ls": lambda e: list(e.artifact_list),
    "artifacts.inspect": lambda e, name: _artifact(e, name),
    "artifacts.remove": lambda e, o: [a.digest.removeprefix("sha256:") for a in e.artifact_list],
    "artifacts.pull": lambda e, o: "sha256:" + "a" * 64,
    "artifacts.push": lambda e, o: "sha256:" + "a" * 64,
    "system.info": lambda e: e.info_report,
    "system.unshare": lambda e, command, rootless_netns: e.unshare_status,
    "system.migrate": lambda e: e.migrated,
    "system.events": lambda e, o: iter(e.event_list),
    "system.auto_update": lambda e, o: e.auto_update_result,
}


def _secret(e: FakeEngine, name: str, show: bool) -> SecretInfo:
    from dataclasses import replace

    from hutch.api.errors import NoSuchObject

    for secret in e.secret_list:
        if name in (secret.name, secret.id):
            return secret if show else replace(secret, data=None)
    raise NoSuchObject(f'no secret with name or id "{name}": no such secret')


def _spec(specs: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    from hutch.api.errors import NoSuchObject

    if name not in specs:
        raise NoSuchObject(f"no container with name or ID {name!r} found")
    return specs[name]


def _artifact(e: FakeEngine, name: str) -> ArtifactInspect:
    from hutch.api.errors import NoSuchObject

    for a in e.artifact_list:
        if a.name == name:
            return ArtifactInspect(a.name, a.digest, b'{"schemaVersion":2,"layers":[]}', a.size)
    raise NoSuchObject(f"{name}: artifact does not exist")


def _by_return(e: FakeEngine, returns: str) -> Any:
    if returns == "list[ActionReport]":
        return list(e.action_reports)
    if returns.startswith("list["):
        return []
    assert returns == "None", f"no canned answer for a verb returning {returns}: add it to ANSWERS"
    return None


def _recorded(name: str, value: Any, e: FakeEngine) -> tuple[bool, Any]:
    """(keep, value): what the record holds for one argument."""
    if name == "cancelled" and value is None:
        return False, None  # the CLI's: only the service passes one (load)
    if isinstance(value, io.IOBase):
        if name == "out":
            value.write(e.export_bytes)
            return False, None
        return True, value.read()
    if isinstance(value, list | tuple):
        return True, tuple(value)
    return True, value


@dataclass
class FakeNoun:
    """``engine.NOUN``: any verb of the noun's protocol, recorded and answered."""

    e: FakeEngine
    noun: str
    protocol: type[Any]

    def __getattr__(self, verb: str) -> Callable[..., Any]:
        declared = getattr(self.protocol, verb, None)
        if declared is None or verb.startswith("_"):
            raise AttributeError(f"{self.protocol.__name__} has no verb {verb!r}")
        signature = inspect.signature(declared)

        def call(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)  # a wrong call fails here
            bound.apply_defaults()
            given = list(bound.arguments.items())[1:]
            kept = [v for keep, v in (_recorded(n, v, self.e) for n, v in given) if keep]
            self.e.record(
                f"{self.noun}.{verb}",
                None if not kept else kept[0] if len(kept) == 1 else tuple(kept),
            )
            answer = ANSWERS.get(f"{self.noun}.{verb}")
            if answer is None:
                return _by_return(self.e, str(signature.return_annotation))
            return answer(self.e, *(v for _, v in given))

        return call

    def enter_session(self) -> None:
        self.e.record("system.enter_session", None)


def as_engine(fake: FakeEngine) -> Engine:
    """Typed view of the fake as the CLI gets it."""
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
    """Run ``hutch ARGV`` in-process against ``engine``; the exit code comes from SystemExit.

    Through the entry point: the fast path (cli/fast.py) where it takes ARGV, else typer.
    """
    from hutch.cli import main

    del monkeypatch  # kept in the signature: callers pass it
    capsys.readouterr()  # drop anything printed before this command
    with pytest.raises(SystemExit) as exc_info:
        main.main(argv, engine=engine)
    captured = capsys.readouterr()
    code = exc_info.value.code
    assert isinstance(code, int), f"exit code {code!r} is not an int"
    return CliResult(code, captured.out, captured.err)

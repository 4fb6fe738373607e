"""``compose down [SERVICE...]``: what is removed, and what the planner asks the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.compose import ComposeDownOptions, ComposeProjectOptions
from hutch.api.containers import ActionReport, ContainerSummary
from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.networks import NetworkSummary
from hutch.api.volumes import VolumeSummary
from hutch.compose.planner import Runner
from hutch.compose.project import Project, load_project
from hutch.compose.teardown import Member, Teardown, teardown
from unit import fakes
from unit.fakes import FakeEngine, as_engine

COMPOSE = """\
name: p
services:
  db: {image: busybox, volumes: [data:/data], networks: [back]}
  web: {image: busybox, networks: [front, back], volumes: [cache:/cache]}
  lone: {image: busybox, networks: [side], volumes: [mine:/m, shared:/s]}
  job: {image: busybox, volumes: [shared:/s], network_mode: none}
networks:
  front: {}
  back: {}
  side: {}
  outside: {external: true}
volumes:
  data: {}
  cache: {}
  mine: {}
  shared: {}
"""


def _project(tmp_path: Path) -> Project:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))


def _members(*services: str) -> list[Member]:
    return [Member(f"p-{s}-1", s) for s in services]


def _plan(tmp_path: Path, named: tuple[str, ...], **options: bool) -> Teardown:
    project = _project(tmp_path)
    existing = [*_members("db", "web", "lone", "job"), Member("p-old-1", "old")]
    return teardown(project.model, project.services, existing, named, **options)


def test_the_whole_project_without_services(tmp_path: Path) -> None:
    plan = _plan(tmp_path, (), volumes=True)
    assert plan == Teardown(
        containers=("p-db-1", "p-web-1", "p-lone-1", "p-job-1"),
        networks=("p_back", "p_front", "p_side"),  # never the external one
        volumes=("p_cache", "p_data", "p_mine", "p_shared"),
        in_use=(),
    )


def test_named_services_leave_what_the_others_still_use(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ("web",), volumes=True)
    # front: only web's; back: db's too; cache: only web's
    assert plan == Teardown(
        containers=("p-web-1",),
        networks=("p_front",),
        volumes=("p_cache",),
        in_use=(("Network", "p_back"),),
    )


def test_a_volume_shared_with_a_remaining_service_stays(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ("lone",), volumes=True)
    assert plan.containers == ("p-lone-1",)
    assert plan.networks == ("p_side",)
    assert plan.volumes == ("p_mine",)
    assert plan.in_use == (("Volume", "p_shared"),)


def test_without_v_no_volume_is_named(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ("lone", "job"))
    assert plan.volumes == ()
    assert plan.in_use == ()
    assert plan.networks == ("p_side",)


def test_several_services_and_the_orphans(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ("web", "db"), remove_orphans=True, volumes=True)
    assert plan.containers == ("p-db-1", "p-web-1", "p-old-1")
    assert plan.networks == ("p_back", "p_front")
    assert plan.volumes == ("p_cache", "p_data")


def test_a_service_without_containers_uses_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    # db has no container: back is only web's now
    plan = teardown(project.model, project.services, _members("web"), ("web",))
    assert plan.networks == ("p_back", "p_front")


def test_an_unknown_service_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match=r"^no such service: cache$"):
        _plan(tmp_path, ("web", "cache"))


def _summary(service: str) -> ContainerSummary:
    labels = {
        "com.docker.compose.project": "p",
        "com.docker.compose.service": service,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": "False",
    }
    return ContainerSummary(
        "id-" + service, f"p-{service}-1", "busybox", "sha256:1", "", 0.0, "running", 0, 0.0,
        0.0, labels=tuple(labels.items()),
    )  # fmt: skip


def _network(name: str) -> NetworkSummary:
    return NetworkSummary(name, "n", "bridge", "", (), False, False, True, (), (), 0.0)


def _down(tmp_path: Path, options: ComposeDownOptions) -> tuple[FakeEngine, list[str]]:
    engine = FakeEngine()
    engine.container_list = [_summary(s) for s in ("db", "web", "lone")]
    engine.network_summaries = [_network(n) for n in ("p_front", "p_back", "p_side")]
    engine.volume_list = [VolumeSummary(n, "local", "/v", 0.0) for n in ("p_cache", "p_mine")]
    said: list[str] = []
    Runner(as_engine(engine), _project(tmp_path)).down(options, said.append)
    return engine, said


def _asked(engine: FakeEngine, verb: str) -> list[object]:
    return [argument for method, argument in engine.calls if method == verb]


def test_down_of_one_service_asks_the_engine_for_only_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = lambda e, names, o: [ActionReport(n, n) for n in names]  # noqa: E731
    monkeypatch.setitem(fakes.ANSWERS, "volumes.remove", answer)
    engine, said = _down(tmp_path, ComposeDownOptions(volumes=True, services=("web",)))
    stops = _asked(engine, "containers.stop")
    assert [names for names, _ in stops] == [("p-web-1",)]  # type: ignore[misc]
    removals = _asked(engine, "containers.remove")
    assert [names for names, _ in removals] == [("p-web-1",)]  # type: ignore[misc]
    assert [names for names, _ in _asked(engine, "networks.remove")] == [("p_front",)]  # type: ignore[misc]
    assert [names for names, _ in _asked(engine, "volumes.remove")] == [("p_cache",)]  # type: ignore[misc]
    assert " Network p_back  Resource is still in use" in said
    assert " Network p_front  Removed" in said
    assert " Volume p_cache  Removed" in said


def test_down_of_an_unknown_service_removes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="no such service: nope"):
        _down(tmp_path, ComposeDownOptions(services=("web", "nope")))


def _network_answer(monkeypatch: pytest.MonkeyPatch, report: ActionReport) -> None:
    answer = lambda e, names, o: [report if n == report.name else ActionReport(n, n) for n in names]  # noqa: E731
    monkeypatch.setitem(fakes.ANSWERS, "networks.remove", answer)


def test_a_network_in_use_outside_the_project_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network_answer(monkeypatch, ActionReport("p_front", error="being used", exit_code=2))
    _, said = _down(tmp_path, ComposeDownOptions())
    assert " Network p_front  Resource is still in use" in said
    assert " Network p_back  Removed" in said


def test_another_failure_to_remove_a_network_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network_answer(monkeypatch, ActionReport("p_front", error="device busy", exit_code=125))
    with pytest.raises(HutchError, match="p_front: device busy"):
        _down(tmp_path, ComposeDownOptions())


def _one_offs() -> list[Member]:
    return [
        Member("p-web-run-1", "web", one_off=True, finished=False),
        Member("p-web-run-2", "web", one_off=True, finished=True),
        Member("p-db-run-1", "db", one_off=True, finished=False),
        Member("p-db-run-2", "db", one_off=True, finished=True),
        Member("p-old-run-1", "old", one_off=True, finished=False),
    ]


def test_one_offs_stay_without_remove_orphans(tmp_path: Path) -> None:
    project = _project(tmp_path)
    existing = [*_members("db", "web"), *_one_offs()]
    plan = teardown(project.model, project.services, existing)
    assert plan.containers == ("p-db-1", "p-web-1")
    named = teardown(project.model, project.services, existing, ("web",))
    assert named.containers == ("p-web-1",)


def test_remove_orphans_takes_the_one_offs_as_docker_compose_does(tmp_path: Path) -> None:
    project = _project(tmp_path)
    existing = [*_members("db", "web"), *_one_offs()]
    plan = teardown(project.model, project.services, existing, remove_orphans=True)
    # every one-off of the services removed, running or not; a running one-off of a
    # service the file lacks is neither one of them nor an orphan
    assert plan.containers == (
        "p-db-1", "p-web-1", "p-web-run-1", "p-web-run-2", "p-db-run-1", "p-db-run-2",
    )  # fmt: skip
    named = teardown(project.model, project.services, existing, ("web",), remove_orphans=True)
    # web's own, and db's finished one (an orphan); db's running session stays
    assert named.containers == ("p-web-1", "p-web-run-1", "p-web-run-2", "p-db-run-2")


def test_down_reads_the_one_off_label(tmp_path: Path) -> None:
    engine = FakeEngine()
    run = _summary("web")
    labels = dict(run.labels) | {"com.docker.compose.oneoff": "True"}
    engine.container_list = [
        _summary("db"),
        ContainerSummary(
            "id-run", "p-web-run-1", "busybox", "sha256:1", "", 0.0, "exited", 0, 0.0, 0.0,
            labels=tuple(labels.items()),
        ),
    ]  # fmt: skip
    project = _project(tmp_path)
    Runner(as_engine(engine), project).down(ComposeDownOptions(), lambda line: None)
    assert [names for names, _ in _asked(engine, "containers.remove")] == [("p-db-1",)]  # type: ignore[misc]
    engine.calls.clear()
    options = ComposeDownOptions(remove_orphans=True)
    Runner(as_engine(engine), project).down(options, lambda line: None)
    removed = [names for names, _ in _asked(engine, "containers.remove")]  # type: ignore[misc]
    assert removed == [("p-db-1", "p-web-run-1")]

"""``up``'s recreate choices (--force-recreate, --always-recreate-deps, -V) and the
foreground's attach rules, against the fake engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.compose import ComposeProjectOptions, ComposeRunOptions, ComposeUpOptions
from hutch.api.container_config import RunOptions, VolumeOptions
from hutch.api.containers import (
    ActionReport,
    ContainerSummary,
    CopyOptions,
    ExecOptions,
    InspectEndpoint,
    StartOptions,
    StopOptions,
)
from hutch.api.errors import HutchError
from hutch.api.networks import NetworkSummary
from hutch.cli.compose_attach import Foreground
from hutch.compose.errors import ComposeError
from hutch.compose.hooks import run_hooks
from hutch.compose.planner import Runner, _with_volumes
from hutch.compose.project import Project, config_hash, load_project
from unit.fakes import FakeEngine, as_engine
from unit.kube.test_kube_yaml_generate import container

COMPOSE = """\
name: p
services:
  db: {image: busybox, volumes: [/cache]}
  web:
    image: busybox
    depends_on: [db]
    post_start: [{command: "sh -c 'echo up > /tmp/x'", user: root, environment: [A=1]}]
    pre_stop: [{command: [sync], privileged: true}, {command: [sync]}]
  noisy: {image: busybox, attach: false}
"""


def _project(tmp_path: Path) -> Project:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))


def _existing(project: Project, service: str) -> ContainerSummary:
    labels = {
        "com.docker.compose.project": "p",
        "com.docker.compose.service": service,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.config-hash": config_hash(project.services[service]),
    }
    return ContainerSummary(
        "id-" + service, f"p-{service}-1", "busybox", "sha256:1", "", 0.0, "running", 0, 0.0,
        0.0, labels=tuple(labels.items()),
    )  # fmt: skip


def _up(tmp_path: Path, **options: object) -> list[tuple[str, object]]:
    project = _project(tmp_path)
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(
        container_list=[_existing(project, s) for s in ("db", "web")], network_summaries=[network]
    )
    options.setdefault("no_start", True)
    Runner(as_engine(engine), project).up(ComposeUpOptions(**options), lambda line: None)  # type: ignore[arg-type]
    return engine.calls


def _created(calls: list[tuple[str, object]]) -> list[str]:
    return [o.name for c, o in calls if c == "containers.create"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "created"),
    [
        ({"services": ("web",)}, []),
        ({"services": ("web",), "force_recreate": True}, ["p-web-1"]),
        ({"services": ("web",), "always_recreate_deps": True}, ["p-db-1"]),
        ({"services": ("web", "db"), "force_recreate": True}, ["p-db-1", "p-web-1"]),
    ],
)
def test_which_containers_are_recreated(
    tmp_path: Path, options: dict[str, object], created: list[str]
) -> None:
    assert _created(_up(tmp_path, **options)) == created


def test_renew_anon_volumes_removes_them_with_the_container(tmp_path: Path) -> None:
    calls = _up(tmp_path, services=("db",), force_recreate=True, renew_anon_volumes=True)
    [removal] = [o for c, o in calls if c == "containers.remove"]
    assert removal[1].volumes is True  # type: ignore[index]
    calls = _up(tmp_path, services=("db",), force_recreate=True)
    [removal] = [o for c, o in calls if c == "containers.remove"]
    assert removal[1].volumes is False  # type: ignore[index]
    # the old container's anonymous volumes were looked up, to be kept
    assert [c for c, _ in calls if c in ("volumes.ls", "containers.inspect")] == [
        "volumes.ls",
        "containers.inspect",
    ]


def test_kept_anonymous_volumes_replace_new_ones() -> None:
    options = RunOptions(
        image="i", volumes=VolumeOptions(volumes=("/cache", "data:/data", "/other"))
    )
    kept = {"/cache": "a" * 64, "/data": "b" * 64, "/gone": "c" * 64}
    assert _with_volumes(options, kept).volumes.volumes == (
        "data:/data", "/other", f"{'a' * 64}:/cache", f"{'c' * 64}:/gone",
    )  # fmt: skip


def test_foreground_follows_and_shows(tmp_path: Path) -> None:
    services = _project(tmp_path).services
    every = Foreground(services, ())
    assert set(every.services()) == {"db", "web", "noisy"}
    assert every.shown() == {"db", "web"}  # attach: false
    web = Foreground(services, ("web",))
    assert (web.services(), web.shown()) == (("web",), {"web"})
    deps = Foreground(services, ("web",), dependencies=True, no_attach=("db",))
    assert (deps.services(), deps.shown()) == (("web", "db"), {"web"})
    chosen = Foreground(services, ("web",), attach=("noisy",), exit_code_from="db")
    assert (chosen.services(), chosen.shown()) == (("web", "noisy", "db"), {"noisy"})


def test_hooks_exec_after_start_and_before_stop(tmp_path: Path) -> None:
    project = _project(tmp_path)
    calls = _up(tmp_path, services=("web",), force_recreate=True, no_start=False)
    execs = [o for c, o in calls if c == "containers.exec" and isinstance(o, ExecOptions)]
    # the old web-1 ran its two pre_stop hooks; the new one its post_start hook
    assert [(e.command, e.privileged) for e in execs] == [
        (("sync",), True),
        (("sync",), False),
        (("sh", "-c", "echo up > /tmp/x"), False),
    ]
    assert (execs[2].user, execs[2].env, execs[2].container) == ("root", ("A=1",), "p-web-1")
    # a failed post_start fails the service; a failed pre_stop is only said
    engine = FakeEngine(container_list=[_existing(project, "web")], run_status=3)
    lines: list[str] = []
    Runner(as_engine(engine), project).pre_stop(["p-web-1"], lines.append)
    assert lines == [" WARN container p-web-1: pre_stop[0] hook exited with code 3"]
    with pytest.raises(HutchError, match=r"post_start\[0\] hook exited with code 3"):
        run_hooks(as_engine(engine), "p-web-1", project.services["web"], "post_start")


def test_external_links_become_hosts_entries(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  web:\n    image: busybox\n"
        "    external_links: [legacy-db:db, cache]\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    other = InspectEndpoint("", "", "10.89.0.7", 24, "", "", 0, "", "", (), "eth0")
    mine = replace(other, ip_address="10.90.0.9")
    found = container("legacy-db")
    found = replace(
        found,
        network_settings=replace(
            found.network_settings, networks={"other": other, "p_default": mine}
        ),
    )
    engine = FakeEngine(container_inspects=[found])
    runner = Runner(as_engine(engine), project)
    service = project.services["web"]
    # the address on a network the service joins, else the first one
    assert runner._external_links("web", service, "p_default") == (
        "db:10.90.0.9",
        "cache:10.90.0.9",
    )
    assert runner._external_links("web", service, "x") == ("db:10.89.0.7", "cache:10.89.0.7")
    engine.container_inspects = []
    with pytest.raises(ComposeError, match=r"compose.yaml:5: .*external link 'legacy-db'"):
        runner._external_links("web", service, "p_default")


def test_compose_run_options_bind_file_secrets(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  job:\n    image: busybox\n    secrets: [key]\n"
        "    configs: [motd]\nsecrets:\n  key: {file: ./key}\n"
        "configs:\n  motd: {content: hi}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    runner = Runner(as_engine(FakeEngine(network_summaries=[network])), project)
    with pytest.raises(ComposeError, match="use run_one_off"):
        runner.one_off(ComposeRunOptions(service="job"), lambda line: None)
    text = (tmp_path / "compose.yaml").read_text()
    (tmp_path / "compose.yaml").write_text(text.replace("{content: hi}", "{file: ./motd}"))
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    runner = Runner(as_engine(FakeEngine(network_summaries=[network])), project)
    options = runner.one_off(ComposeRunOptions(service="job"), lambda line: None)
    assert options.volumes.volumes == (
        f"{tmp_path}/key:/run/secrets/key:ro",
        f"{tmp_path}/motd:/motd:ro",
    )


def test_compose_start_runs_post_start_of_the_stopped_ones(tmp_path: Path) -> None:
    project = _project(tmp_path)
    stopped = replace(_existing(project, "web"), status="exited")
    engine = FakeEngine(container_list=[_existing(project, "db"), stopped])
    lines: list[str] = []
    Runner(as_engine(engine), project).start((), lines.append)
    assert [(c, getattr(o, "container", o)) for c, o in engine.calls if c != "containers.ls"] == [
        ("containers.start", (("p-db-1",), StartOptions())),
        ("containers.start", (("p-web-1",), StartOptions())),
        ("containers.exec", "p-web-1"),
    ]
    assert lines == [  # each row's working state, then its end (the tty view's rows)
        " Container p-db-1  Starting",
        " Container p-db-1  Started",
        " Container p-web-1  Starting",
        " Container p-web-1  Started",
    ]


def test_compose_run_writes_secrets_between_create_and_start(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  job:\n    image: busybox\n"
        "    secrets: [{source: key, mode: 0400}]\n    configs: [motd]\n"
        "secrets:\n  key: {environment: KEY}\nconfigs:\n  motd: {content: hi}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={"KEY": "s3"}))
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(
        network_summaries=[network], action_reports=[ActionReport("x", "f", None, 7)]
    )
    report = Runner(as_engine(engine), project).run_one_off(
        ComposeRunOptions(service="job", remove=True, tty=False), lambda line: None
    )
    assert (report.id, report.exit_code) == ("f" * 64, 7)
    steps = [c for c, _ in engine.calls if c.startswith("containers.") and c != "containers.ls"]
    assert steps == ["containers.create", "containers.copy", "containers.start"]
    copy = next(o for c, o in engine.calls if c == "containers.copy")
    assert isinstance(copy, CopyOptions) and copy.destination == "f" * 64 + ":/"
    import tarfile

    assert copy.stream is not None
    with tarfile.open(fileobj=copy.stream) as tar:
        members = {m.name: m.mode for m in tar.getmembers() if m.isfile()}
    assert members == {"run/secrets/key": 0o400, "motd": 0o444}
    start = next(o for c, o in engine.calls if c == "containers.start")
    assert start[1] == StartOptions(attach=True, interactive=True)  # type: ignore[index]
    create = next(o for c, o in engine.calls if c == "containers.create")
    assert create.remove and create.labels  # type: ignore[attr-defined]
    # detached: started in the background, no exit code
    engine.calls.clear()
    report = Runner(as_engine(engine), project).run_one_off(
        ComposeRunOptions(service="job", detach=True, interactive=False), lambda line: None
    )
    assert report.exit_code is None
    # without written ones: one run, as before
    (tmp_path / "compose.yaml").write_text("name: p\nservices:\n  job: {image: busybox}\n")
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    engine.calls.clear()
    Runner(as_engine(engine), project).run_one_off(ComposeRunOptions(service="job"), print)
    assert [c for c, _ in engine.calls if c.startswith("containers.") and c != "containers.ls"] == [
        "containers.run"
    ]


def test_compose_restart_runs_pre_stop_and_post_start_hooks(tmp_path: Path) -> None:
    project = _project(tmp_path)
    engine = FakeEngine(container_list=[_existing(project, "db"), _existing(project, "web")])
    lines: list[str] = []
    Runner(as_engine(engine), project).restart((), 5, lines.append)
    steps = [(c, getattr(o, "command", o)) for c, o in engine.calls if c != "containers.ls"]
    assert steps == [
        ("containers.restart", (("p-db-1",), StopOptions(timeout=5))),
        ("containers.exec", ("sync",)),
        ("containers.exec", ("sync",)),
        ("containers.restart", (("p-web-1",), StopOptions(timeout=5))),
        ("containers.exec", ("sh", "-c", "echo up > /tmp/x")),
    ]
    assert lines == [
        " Container p-db-1  Restarting",
        " Container p-db-1  Restarted",
        " Container p-web-1  Restarting",
        " Container p-web-1  Restarted",
    ]
    # a failing post_start fails the restart, naming the hook
    engine = FakeEngine(container_list=[_existing(project, "web")], run_status=2)
    lines = []
    with pytest.raises(HutchError, match=r"post_start\[0\] hook exited with code 2"):
        Runner(as_engine(engine), project).restart(("web",), None, lines.append)
    # (a failed pre_stop is only said: the container is restarted anyway)
    assert lines == [
        " WARN container p-web-1: pre_stop[0] hook exited with code 2",
        " Container p-web-1  Restarting",
        " Container p-web-1  Restarted",
    ]


def test_a_moved_external_link_recreates_the_container(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: p\nservices:\n  web:\n    image: busybox\n    external_links: [legacy:db]\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    endpoint = InspectEndpoint("", "", "10.90.0.9", 24, "", "", 0, "", "", (), "eth0")
    found = container("legacy")
    at = replace(
        found, network_settings=replace(found.network_settings, networks={"p_default": endpoint})
    )
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(container_inspects=[at], network_summaries=[network])
    runner = Runner(as_engine(engine), project)
    runner.up(ComposeUpOptions(no_start=True), lambda line: None)
    create = next(o for c, o in engine.calls if c == "containers.create")
    assert create.net.add_hosts == ("db:10.90.0.9",)  # type: ignore[attr-defined]
    pairs = (label.split("=", 1) for label in create.labels)  # type: ignore[attr-defined]
    digest = dict(pairs)["com.docker.compose.config-hash"]
    # the same address: nothing to do; another one: recreated with it
    labels = {
        "com.docker.compose.project": "p",
        "com.docker.compose.service": "web",
        "com.docker.compose.container-number": "1",
        "com.docker.compose.config-hash": digest,
    }
    existing = ContainerSummary(
        "id-web", "p-web-1", "busybox", "sha256:1", "", 0.0, "created", 0, 0.0, 0.0,
        labels=tuple(labels.items()),
    )  # fmt: skip
    engine.container_list = [existing]
    engine.calls.clear()
    runner.up(ComposeUpOptions(no_start=True), lambda line: None)
    assert not [c for c, _ in engine.calls if c == "containers.create"]
    moved = replace(endpoint, ip_address="10.90.0.20")
    engine.container_inspects = [
        replace(
            found, network_settings=replace(found.network_settings, networks={"p_default": moved})
        )
    ]
    runner.up(ComposeUpOptions(no_start=True), lambda line: None)
    create = next(o for c, o in engine.calls if c == "containers.create")
    assert create.net.add_hosts == ("db:10.90.0.20",)  # type: ignore[attr-defined]


def test_service_started_dependencies_need_no_listing(tmp_path: Path) -> None:
    # up lists the project's containers once (plus once for the one-off ones); a
    # ``service_started`` dependency adds nothing: its task started it already
    project = _project(tmp_path)
    network = NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    engine = FakeEngine(network_summaries=[network])
    Runner(as_engine(engine), project).up(ComposeUpOptions(), lambda line: None)
    listings = [c for c, _ in engine.calls if c == "containers.ls"]
    assert len(listings) == 2
    assert [o for c, o in engine.calls if c == "containers.start"]  # it did start them


@pytest.mark.parametrize(
    ("options", "prepared"),
    [
        # db and web run with their current hash: nothing to start; noisy is created
        ({}, {"db": 0, "web": 0, "noisy": 1}),
        ({"force_recreate": True}, {"db": 1, "web": 1, "noisy": 1}),
        ({"scale": (("noisy", 3),)}, {"db": 0, "web": 0, "noisy": 3}),
        ({"no_start": True}, {}),
    ],
)
def test_monitors_are_prepared_for_the_containers_to_start(
    tmp_path: Path, options: dict[str, object], prepared: dict[str, int]
) -> None:
    calls = _up(tmp_path, no_start=options.pop("no_start", False), **options)
    counts = [o for c, o in calls if c == "containers.prepare_starts"]
    starts = [o for c, o in calls if c == "containers.start"]
    assert sorted(counts) == sorted(prepared.values())  # type: ignore[type-var]
    assert len(starts) == sum(prepared.values())

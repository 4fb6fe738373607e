"""``compose create`` and ``up`` share one declaration per flag, and create's
values reach the planner's options as up's do; ``--no-build`` and the orphans
(one-off containers included) as docker compose treats them."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer

from hutch.api.compose import ComposeProjectOptions, ComposeUpOptions
from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkSummary
from hutch.cli import compose_create_flags as flags
from hutch.cli import compose_up, compose_verbs
from hutch.cli.compose_progress import QuietPull
from hutch.compose.planner import Runner
from hutch.compose.project import load_project
from unit.fakes import FakeEngine, as_engine, run_cli

SHARED = {
    "build": flags.Build,
    "no_build": flags.NoBuild,
    "force_recreate": flags.ForceRecreate,
    "no_recreate": flags.NoRecreate,
    "pull": flags.Pull,
    "quiet_pull": QuietPull,
    "remove_orphans": flags.RemoveOrphans,
    "scale": flags.Scale,
    "yes": flags.Yes,
}

COMPOSE = """\
name: p
services:
  web: {image: busybox}
  app: {build: {context: .}}
  named: {image: localhost/named:1, build: {context: .}}
  extra: {image: busybox, profiles: [ops]}
"""


def _declared(alias: Any) -> object:
    return typing.get_args(alias)[1]


def _commands() -> dict[str, Callable[..., Any]]:
    app = typer.Typer()
    compose_up.add_commands(app)
    compose_verbs.add_commands(app)
    return {c.name: c.callback for c in app.registered_commands if c.name and c.callback}


def _parameters(callback: Callable[..., Any]) -> dict[str, object]:
    """Each parameter's typer declaration (the OptionInfo or ArgumentInfo object)."""
    hints = typing.get_type_hints(callback, include_extras=True)
    found = {}
    for name, hint in hints.items():
        # Python 3.10 wraps a parameter whose default is None in Optional[...],
        # Annotated inside it
        for each in (hint, *typing.get_args(hint)):
            if name != "return" and hasattr(each, "__metadata__"):
                found[name] = each.__metadata__[0]
                break
    return found


def test_create_has_exactly_the_shared_declarations_and_up_has_them_too() -> None:
    commands = _commands()
    create = _parameters(commands["create"])
    up = _parameters(commands["up"])
    assert set(create) == {"services", *SHARED}
    for name, alias in SHARED.items():
        # the same object, not an equal copy: one declaration per flag
        assert create[name] is _declared(alias), name
        assert up[name] is _declared(alias), name
    assert _parameters(commands["down"])["remove_orphans"] is _declared(flags.RemoveOrphans)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _asked(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[ComposeUpOptions], str]:
    seen: list[ComposeUpOptions] = []
    monkeypatch.setattr(Runner, "up", lambda self, options, progress: seen.append(options))
    result = run_cli(["compose", *argv], FakeEngine(), monkeypatch, capsys)
    return result.code, seen, result.err


ALL_SHARED = [
    "--build", "--force-recreate", "--pull", "never", "--quiet-pull", "--remove-orphans",
    "--scale", "web=2", "--scale", "app=0", "-y", "web", "app",
]  # fmt: skip
EXPECTED = ComposeUpOptions(
    services=("web", "app"),
    build=True,
    force_recreate=True,
    pull="never",
    quiet_pull=True,
    remove_orphans=True,
    scale=(("web", 2), ("app", 0)),
)


def test_create_passes_every_value_and_never_starts(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, seen, err = _asked(["create", *ALL_SHARED], monkeypatch, capsys)
    assert code == 0, err
    assert seen == [replace(EXPECTED, no_start=True)]


def test_up_passes_the_same_values(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, seen, err = _asked(["up", "-d", *ALL_SHARED], monkeypatch, capsys)
    assert code == 0, err
    assert seen == [EXPECTED]


def test_the_other_values_of_create(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, seen, err = _asked(["create", "--no-build", "--no-recreate"], monkeypatch, capsys)
    assert code == 0, err
    assert seen == [ComposeUpOptions(no_build=True, no_recreate=True, no_start=True)]


@pytest.mark.parametrize("verb", ["create", "up"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--build", "--no-build"], "--build and --no-build cannot be combined"),
        (["--force-recreate", "--no-recreate"], "cannot be combined"),
        (["--pull", "sometimes"], "invalid --pull 'sometimes'"),
        (["--scale", "web"], "invalid --scale 'web': use SERVICE=NUMBER"),
        (["--scale", "web=-1"], "invalid --scale"),
    ],
)
def test_bad_values_are_refused_before_anything_is_made(
    verb: str,
    args: list[str],
    message: str,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, seen, err = _asked([verb, *args], monkeypatch, capsys)
    assert code == 125
    assert message in err
    assert seen == []


def test_create_options_checks_in_up_order() -> None:
    with pytest.raises(InvalidArgument, match="--pull"):
        flags.create_options(
            (), build=True, no_build=True, force_recreate=False, no_recreate=False,
            pull="x", quiet_pull=False, remove_orphans=False, scale=None,
        )  # fmt: skip


# --- the planner: --no-build and the orphans ------------------------------------------


def _summary(name: str, service: str, status: str, one_off: bool = False) -> ContainerSummary:
    labels = {
        "com.docker.compose.project": "p",
        "com.docker.compose.service": service,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": str(one_off),
    }
    return ContainerSummary(
        "id-" + name, name, "busybox", "sha256:1", "", 0.0, status, 0, 0.0, 0.0,
        labels=tuple(labels.items()),
    )  # fmt: skip


def _runner(tmp_path: Path, engine: FakeEngine) -> Runner:
    engine.network_summaries = [
        NetworkSummary("p_default", "n", "bridge", "", (), False, False, True, (), (), 0.0)
    ]
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    options = ComposeProjectOptions(cwd=str(tmp_path), environ={})
    return Runner(as_engine(engine), load_project(options))


def _made(engine: FakeEngine) -> list[str]:
    return [c for c, _ in engine.calls if c.endswith(".create")]


def test_no_build_with_the_built_image_missing_fails_before_anything_is_made(
    tmp_path: Path,
) -> None:
    engine = FakeEngine()
    runner = _runner(tmp_path, engine)
    with pytest.raises(InvalidArgument, match=r"service 'app': image p-app is missing"):
        runner.up(ComposeUpOptions(no_build=True, no_start=True), lambda line: None)
    assert _made(engine) == []
    assert not [c for c, _ in engine.calls if c == "images.build"]


def test_no_build_with_the_image_present_builds_nothing(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.existing_images = {"p-app"}
    runner = _runner(tmp_path, engine)
    # named (localhost/named:1) names its image: docker compose pulls it, not refused
    options = ComposeUpOptions(services=("app", "named"), no_build=True, no_start=True)
    runner.up(options, lambda line: None)
    assert not [c for c, _ in engine.calls if c == "images.build"]
    assert [o.name for c, o in engine.calls if c == "containers.create"] == [  # type: ignore[attr-defined]
        "p-app-1",
        "p-named-1",
    ]


def _removed(engine: FakeEngine) -> list[str]:
    calls = [argument for c, argument in engine.calls if c == "containers.remove"]
    return [n for names, _ in calls for n in names]  # type: ignore[misc]


def _orphans_engine() -> FakeEngine:
    engine = FakeEngine()
    engine.existing_images = {"p-app", "localhost/named:1", "busybox"}
    engine.container_list = [
        _summary("p-web-1", "web", "running"),
        _summary("p-gone-1", "gone", "exited"),  # its service left the file
        _summary("p-extra-1", "extra", "exited"),  # a profile leaves it out: no orphan
        _summary("p-web-run-1", "web", "exited", one_off=True),  # finished: an orphan
        _summary("p-web-run-2", "web", "running", one_off=True),  # somebody's session
    ]
    return engine


def test_create_remove_orphans_removes_finished_one_offs_too(tmp_path: Path) -> None:
    engine = _orphans_engine()
    said: list[str] = []
    # (--no-recreate: p-web-1 has no config hash, and would be replaced)
    options = ComposeUpOptions(
        services=("web",), remove_orphans=True, no_start=True, no_recreate=True
    )
    _runner(tmp_path, engine).up(options, said.append)
    assert _removed(engine) == ["p-gone-1", "p-web-run-1"]


def test_without_remove_orphans_they_are_named(tmp_path: Path) -> None:
    engine = _orphans_engine()
    said: list[str] = []
    options = ComposeUpOptions(services=("web",), no_start=True, no_recreate=True)
    _runner(tmp_path, engine).up(options, said.append)
    assert _removed(engine) == []
    assert " Found orphan containers (p-gone-1, p-web-run-1) for this project" in said[0]

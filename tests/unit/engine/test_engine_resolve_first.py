"""podman resolves every name a verb on many is given before it acts: with one missing
(and no --ignore) it acts on none and reports only the first missing name. Checked on
a real store (tmp_path) with created containers and pods: the verbs answer one error
and the objects given stay as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.containers import (
    ActionReport,
    KillOptions,
    PauseOptions,
    RemoveContainerOptions,
    StartOptions,
    StopOptions,
    WaitOptions,
)
from hutch.api.pods import PodKillOptions, PodRemoveOptions, PodSelectOptions, PodStopOptions
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import container_record, container_select
from hutch.engine.container_admin import ContainerAdmin
from hutch.engine.containers import ContainerService
from hutch.engine.context import EngineContext
from hutch.engine.lifecycle import LifecycleService
from hutch.engine.pods import PodService
from unit.storerows import image_row

A, B = ("a" * 64, "b" * 64)
NOSUCH = 'no container with name or ID "nosuch" found: no such container'


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EngineContext:
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    monkeypatch.setattr(ctx, "enter_session", lambda: None)  # no user namespace in unit tests
    image_row(ctx.conn, "sha256:i")
    for cid, name in ((A, "c1"), (B, "c2")):
        config = container_record.ContainerConfig(RunOptions("base"))
        ctx.containers.create(cid, name, "sha256:i", "base", container_record.encode(config))
    return ctx


def _missing(name: str = "nosuch", code: int = 125) -> list[ActionReport]:
    error = f'no container with name or ID "{name}" found: no such container'
    return [ActionReport(name, error=error, exit_code=code)]


def test_first_missing_is_the_first_in_order(ctx: EngineContext) -> None:
    assert container_select.first_missing(ctx, ["c1", "c2"]) == []
    assert container_select.first_missing(ctx, ["c1", "n1", "n2"]) == _missing("n1")


def test_rm_with_a_missing_name_removes_none(ctx: EngineContext) -> None:
    reports = ContainerService(ctx).remove(["c1", "nosuch"], RemoveContainerOptions())
    assert reports == _missing(code=1)  # podman rm: 1 for a missing container
    assert {r.name for r in ctx.containers.all()} == {"c1", "c2"}


def test_rm_of_two_missing_names_reports_the_first(ctx: EngineContext) -> None:
    reports = ContainerService(ctx).remove(["n1", "n2"], RemoveContainerOptions())
    assert reports == _missing("n1", code=1)


def test_rm_depend_with_a_missing_name_removes_none(ctx: EngineContext) -> None:
    options = RemoveContainerOptions(depend=True)
    assert ContainerService(ctx).remove(["c1", "nosuch"], options) == _missing(code=1)
    assert len(ctx.containers.all()) == 2


@pytest.mark.parametrize(
    "verb",
    [
        lambda s: s.stop(["c1", "nosuch", "c2"], StopOptions(timeout=0)),
        lambda s: s.restart(["c1", "nosuch"], StopOptions(timeout=0)),
        lambda s: s.kill(["c1", "nosuch"], KillOptions()),
        lambda s: s.start(["c1", "nosuch"], StartOptions()),
        lambda s: s.wait(["c1", "nosuch"], WaitOptions()),
    ],
    ids=["stop", "restart", "kill", "start", "wait"],
)
def test_container_verbs_act_on_none(ctx: EngineContext, verb: Any) -> None:
    # c1 is created, not running: any action would have answered its own report
    assert verb(ContainerService(ctx)) == _missing()


def test_kill_ignore_skips_the_missing_name_and_acts_on_the_others(ctx: EngineContext) -> None:
    reports = ContainerService(ctx).kill(["c1", "nosuch"], KillOptions(ignore=True))
    assert [(r.name, r.error is not None) for r in reports] == [("c1", True)]
    assert "can only kill running containers" in (reports[0].error or "")


def test_wait_ignore_answers_minus_one_for_the_missing_name(ctx: EngineContext) -> None:
    options = WaitOptions(conditions=("created",), ignore=True)
    reports = ContainerService(ctx).wait(["nosuch", "c1"], options)
    assert [(r.name, r.id, r.error) for r in reports] == [("nosuch", "", None), ("c1", A, None)]
    assert reports[0].exit_code == -1


@pytest.mark.parametrize("verb", ["pause", "unpause"])
def test_pause_and_unpause_act_on_none(ctx: EngineContext, verb: str) -> None:
    service = LifecycleService(ctx)
    assert getattr(service, verb)(["c1", "nosuch"], PauseOptions()) == _missing()


def test_init_acts_on_none(ctx: EngineContext) -> None:
    assert ContainerAdmin(ctx).init(["c1", "nosuch"], PauseOptions()) == _missing()
    # each found: one report each, as before
    assert [r.error for r in ContainerAdmin(ctx).init(["c1", "c2"], PauseOptions())] == [
        None,
        None,
    ]


# -- pods ------------------------------------------------------------------------


class _NoContainers:
    """The pod verbs' containers: none of them may be reached when a name is missing."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"pod verb acted: containers.{name}")


@pytest.fixture
def pods(ctx: EngineContext) -> PodService:
    ctx.pods.create("p" * 64, "p1", b"{}")
    return PodService(ctx, cast(Any, _NoContainers()), cast(Any, _NoContainers()))


def _no_pod(name: str, code: int = 125) -> list[ActionReport]:
    error = f"no pod with name or ID {name} found: no such pod"
    return [ActionReport(name, error=error, exit_code=code)]


@pytest.mark.parametrize(
    ("verb", "code"),
    [
        (lambda p: p.remove(["p1", "nosuch"], PodRemoveOptions()), 1),
        (lambda p: p.start(["p1", "nosuch"], PodSelectOptions()), 125),
        (lambda p: p.stop(["p1", "nosuch"], PodStopOptions(timeout=0)), 125),
        (lambda p: p.restart(["p1", "nosuch"], PodStopOptions()), 125),
        (lambda p: p.kill(["p1", "nosuch"], PodKillOptions()), 125),
        (lambda p: p.pause(["p1", "nosuch"], PodSelectOptions()), 125),
        (lambda p: p.unpause(["p1", "nosuch"], PodSelectOptions()), 125),
    ],
    ids=["rm", "start", "stop", "restart", "kill", "pause", "unpause"],
)
def test_pod_verbs_act_on_none(ctx: EngineContext, pods: PodService, verb: Any, code: int) -> None:
    assert verb(pods) == _no_pod("nosuch", code)
    assert [r.name for r in ctx.pods.all()] == ["p1"]


def test_pod_rm_of_two_missing_names_reports_the_first(pods: PodService) -> None:
    assert pods.remove(["n1", "n2"], PodRemoveOptions()) == _no_pod("n1", 1)


def test_pod_rm_ignore_skips_missing_names(pods: PodService) -> None:
    assert pods.remove(["n1", "n2"], PodRemoveOptions(ignore=True)) == []


def test_rm_force_with_a_missing_name_removes_none_and_says_nothing(ctx: EngineContext) -> None:
    # podman's removeContainers: --force drops a no-such-container error
    options = RemoveContainerOptions(force=True)
    assert ContainerService(ctx).remove(["c1", "nosuch"], options) == []
    assert len(ctx.containers.all()) == 2


def test_pod_rm_force_with_a_missing_name_removes_none_and_says_nothing(
    ctx: EngineContext, pods: PodService
) -> None:
    assert pods.remove(["p1", "nosuch"], PodRemoveOptions(force=True)) == []
    assert [r.name for r in ctx.pods.all()] == ["p1"]

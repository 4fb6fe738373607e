"""On a real store (tmp_path): podman's "initialized" state, what ``init`` leaves
until the container starts (ps, wait and init itself see it), and ``container
cleanup`` of stopped containers, as podman 4.3.1 does them
(tests/integration/test_cli_peer_verbs.py compares the two)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.containers import (
    ActionReport,
    CleanupOptions,
    ListContainersOptions,
    PauseOptions,
)
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import container_record, waiting
from hutch.engine import container_state as cs
from hutch.engine.container_admin import ContainerAdmin
from hutch.engine.container_list import ContainerList
from hutch.engine.containers import ContainerService
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from unit.storerows import image_row

IMPROPER = "has already been created in runtime: container state improper"


@pytest.fixture(name="store")
def fixture_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EngineContext:
    """A real store with two created containers, c1 and c2."""
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    monkeypatch.setattr(ctx, "enter_session", lambda: None)  # no user namespace here
    image_row(ctx.conn, "sha256:i")
    config = container_record.encode(container_record.ContainerConfig(RunOptions("base")))
    for cid, name in (("a" * 64, "c1"), ("b" * 64, "c2")):
        ctx.containers.create(cid, name, "sha256:i", "base", config)
        ctx.containers.dirs(cid).userdata.mkdir(parents=True)
    return ctx


def _status(ctx: EngineContext, name: str) -> str:
    return cs.status_of(cs.get(ctx, name))


def _listed(ctx: EngineContext) -> dict[str, str]:
    summaries = ContainerList(ctx).ls(ListContainersOptions(all=True))
    return {s.name: s.status for s in summaries}


def _exited(ctx: EngineContext, name: str, finished_at: float) -> None:
    dirs = cs.get(ctx, name).dirs
    state = st.RuntimeState(status=st.EXITED, started_at=finished_at - 1, finished_at=finished_at)
    st.write_state(st.state_path(dirs.userdata), state, durable=False)


def test_init_makes_a_created_container_initialized_once(store: EngineContext) -> None:
    ctx = store
    admin = ContainerAdmin(ctx)
    assert [r.error for r in admin.init(["c1"], PauseOptions())] == [None]
    assert _listed(ctx) == {"c1": "initialized", "c2": "created"}
    # a created container is "stopped" to a wait, an initialized one is not (4.3.1)
    assert waiting._now(cs.get(ctx, "c1")) == {"initialized"}
    assert waiting._now(cs.get(ctx, "c2")) == {"created", "configured", "stopped"}
    again = admin.init(["c1"], PauseOptions())
    assert again[0].error is not None and again[0].error.endswith(IMPROPER)
    # --all initializes what it can and reports the rest as they are
    assert [r.error for r in admin.init([], PauseOptions(all=True))] == [None, None]
    assert _listed(ctx) == {"c1": "initialized", "c2": "initialized"}


def test_an_exited_container_is_initialized_again_until_it_runs(store: EngineContext) -> None:
    ctx = store
    _exited(ctx, "c1", time.time() - 10)
    assert _status(ctx, "c1") == st.EXITED
    assert [r.error for r in ContainerAdmin(ctx).init(["c1"], PauseOptions())] == [None]
    assert _status(ctx, "c1") == st.INITIALIZED
    # a start that failed after the init: its exit is newer than the marker
    _exited(ctx, "c1", time.time() + 10)
    assert _status(ctx, "c1") == st.EXITED


def test_a_running_container_is_not_initialized(store: EngineContext) -> None:
    (cs.get(store, "c1").dirs.userdata / st.INIT_MARKER).touch()  # the monitor removes it
    _running(store, "c1")
    assert not cs.initialized(cs.located(store, cs.find(store, "c1")))


def _running(ctx: EngineContext, name: str) -> str:
    dirs = cs.get(ctx, name).dirs
    me, started = os.getpid(), st.process_start_time(os.getpid())
    state = st.RuntimeState(
        status=st.RUNNING, pid=me, pid_start=started, monitor_pid=me, monitor_start=started
    )
    st.write_state(st.state_path(dirs.userdata), state, durable=False)
    return cs.find(ctx, name).id


def test_cleanup_of_stopped_containers_and_the_running_refusal(store: EngineContext) -> None:
    ctx = store
    service = ContainerService(ctx)
    assert service.cleanup(["c1", "c2"], CleanupOptions()) == [
        ActionReport("c1", "a" * 64),
        ActionReport("c2", "b" * 64),
    ]
    running = _running(ctx, "c1")
    (refused,) = service.cleanup(["c1"], CleanupOptions(remove=True))
    assert refused.error == (
        f"failed to clean up and remove container {running}: cannot remove container "
        f"{running} as it is running - running or paused containers cannot be removed "
        "without force: container state improper"
    )
    # --all: the running one refused, the others cleaned up (and removed with --rm)
    reports = service.cleanup([], CleanupOptions(all=True, remove=True))
    assert sorted((r.id, r.error) for r in reports) == sorted(
        [("b" * 64, None), ("", refused.error)]
    )
    assert {r.name for r in ctx.containers.all()} == {"c1"}


def test_cleanup_of_a_missing_name_acts_on_none(store: EngineContext) -> None:
    reports = ContainerService(store).cleanup(["c1", "nosuch"], CleanupOptions(remove=True))
    assert [r.error for r in reports] == [
        'no container with name or ID "nosuch" found: no such container'
    ]
    assert {r.name for r in store.containers.all()} == {"c1", "c2"}


def test_cleanup_of_an_exec_session_it_does_not_know(store: EngineContext) -> None:
    with pytest.raises(NoSuchObject, match="has no exec session with ID s1: no such exec session"):
        ContainerService(store).cleanup(["c1"], CleanupOptions(exec_session="s1"))
    with pytest.raises(InvalidArgument, match="more than one container"):
        ContainerService(store).cleanup(["c1", "c2"], CleanupOptions(exec_session="s1"))

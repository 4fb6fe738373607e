"""``prepare_starts``: monitors begun ahead, each taken by the next start that brings
none (compose up begins them before the creates and the dependencies' starts)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hutch.api.errors import HutchError
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.containers import ContainerService
from hutch.engine.context import EngineContext
from hutch.runtime import spawn
from hutch.runtime.spawn import MonitorPid, Prespawned


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ContainerService, Any]:
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    monkeypatch.setattr(ctx, "enter_session", lambda: None)
    record = SimpleNamespace(begun=[], given=[], abandoned=[])

    def prespawn(early: spawn.ForeseenNetwork | None = None, shared: bool = False) -> Prespawned:
        assert early is None  # a start's monitor makes no network ahead of its options
        assert not shared  # nor does start import a create's modules for it
        one = Prespawned(MonitorPid(known=1000 + len(record.begun)), None)  # type: ignore[arg-type]
        record.begun.append(one)
        return one

    def start_with(self: ContainerService, *args: Any) -> int | None:
        record.given.append(args[4])  # container, attach, interactive, proxy, prespawned
        return None

    monkeypatch.setattr(spawn, "prespawn", prespawn)
    monkeypatch.setattr(spawn, "abandon", record.abandoned.append)
    monkeypatch.setattr(ContainerService, "_start_with", start_with)
    return ContainerService(ctx), record


def _start(service: ContainerService) -> None:
    service._start(SimpleNamespace(), attach=False, interactive=False, detach_keys="")  # type: ignore[arg-type]


def test_each_start_takes_the_next_prepared_monitor(service: tuple[ContainerService, Any]) -> None:
    containers, record = service
    containers.prepare_starts(2)
    assert [p.pid for p in record.begun] == [1000, 1001]
    for _ in range(3):
        _start(containers)
    # the third start had none left: spawn.start begins its own (None)
    assert record.given == [record.begun[0], record.begun[1], None]


def test_no_prepared_monitor_when_the_session_cannot_be_entered(
    service: tuple[ContainerService, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    containers, record = service

    def refuse() -> None:
        raise HutchError("no subordinate ids")

    monkeypatch.setattr(containers._ctx, "enter_session", refuse)
    containers.prepare_starts(3)  # the start itself meets (and reports) the problem
    assert record.begun == []

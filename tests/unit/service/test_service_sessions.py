"""PendingAttach.wait_started: the start request of docker run's attached start."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from hutch.api.engine import Engine
from hutch.api.errors import NoSuchObject
from hutch.service.errors import ApiError
from hutch.service.sessions import PendingAttach


@dataclass
class _State:
    status: str


@dataclass
class _Report:
    state: _State


@dataclass
class _Containers:
    """Answers each look with the next status; None means the container is gone."""

    statuses: list[str | None]
    looks: int = 0
    seen: list[str | None] = field(default_factory=list)

    def inspect(self, names: list[str]) -> list[_Report]:
        self.looks += 1
        status = self.statuses[min(self.looks, len(self.statuses)) - 1]
        self.seen.append(status)
        if status is None:
            raise NoSuchObject(f"no container with name or ID {names[0]!r} found")
        return [_Report(_State(status))]


@dataclass
class _Engine:
    containers: _Containers


def _engine(*statuses: str | None) -> Engine:
    return cast(Engine, cast(Any, _Engine(_Containers(list(statuses)))))


def test_a_container_gone_with_rm_before_the_look_counts_as_started() -> None:
    # created, then already run and removed by --rm: the start succeeded.
    engine = _engine("created", None)
    PendingAttach("c1").wait_started(engine)
    assert cast(Any, engine).containers.seen == ["created", None]


def test_running_counts_as_started() -> None:
    PendingAttach("c1").wait_started(_engine("created", "running"))


def test_a_failed_attached_start_is_the_answer() -> None:
    pending = PendingAttach("c1")
    pending.failed(ApiError(500, "boom"))
    with pytest.raises(ApiError, match="boom"):
        pending.wait_started(_engine("created"))


def test_a_finished_attached_start_answers_without_looking_again() -> None:
    pending = PendingAttach("c1")
    engine = _engine("created")
    threading.Timer(0.05, pending.finished).start()
    pending.wait_started(engine)
    assert all(s == "created" for s in cast(Any, engine).containers.seen)

"""--requires on a real store (tmp_path): names (and comma lists) become the full ids
the record keeps, a missing one is refused in podman's words, and the containers that
require one are its dependents (rm refuses, rm --depend takes them first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import container_record, container_select
from hutch.engine.containers import _required_ids
from hutch.engine.context import EngineContext
from unit.storerows import image_row

A, B, C = ("a" * 64, "b" * 64, "c" * 64)


@pytest.fixture
def ctx(tmp_path: Path) -> EngineContext:
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    image_row(ctx.conn, "sha256:i")
    return ctx


def _add(ctx: EngineContext, cid: str, name: str, **options: object) -> None:
    config = container_record.ContainerConfig(RunOptions("base", **options))  # type: ignore[arg-type]
    ctx.containers.create(cid, name, "sha256:i", "base", container_record.encode(config))


def test_names_and_comma_lists_become_ids_once(ctx: EngineContext) -> None:
    _add(ctx, A, "db")
    _add(ctx, B, "cache")
    assert _required_ids(ctx, ("db,cache", "db", A[:12])) == (A, B)


def test_a_missing_container_is_refused_in_podmans_words(ctx: EngineContext) -> None:
    with pytest.raises(InvalidArgument) as info:
        _required_ids(ctx, ("nope",))
    assert info.value.message == (
        '"nope" is not a valid container, cannot be used as a dependency: '
        'no container with name or ID "nope" found: no such container'
    )


def test_containers_that_require_one_are_its_dependents(ctx: EngineContext) -> None:
    _add(ctx, A, "db")
    _add(ctx, B, "app", requires=(A,))
    _add(ctx, C, "front", requires=(B,))
    # those that depend on a dependent come first: rm --depend's order
    assert container_select.dependents(ctx, A) == [C, B]
    assert container_select.dependents(ctx, C) == []

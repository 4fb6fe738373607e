"""A name hutch chose for a container, taken meanwhile, is chosen again (as podman)."""

from __future__ import annotations

from typing import Any

import pytest

from hutch.api.errors import Conflict
from hutch.engine.containers import recorded


def _create(taken: set[str], made: list[str]) -> Any:
    def create(name: str) -> Any:
        if name in taken:
            raise Conflict(f'the container name "{name}" is already in use')
        made.append(name)
        return name

    return create


def test_a_taken_chosen_name_is_replaced_by_a_fresh_one() -> None:
    made: list[str] = []
    assert recorded(_create({"merry_hare330"}, made), "merry_hare330", chosen=True) != (
        "merry_hare330"
    )
    assert len(made) == 1 and made[0] != "merry_hare330"


def test_a_name_the_user_gave_stays_refused() -> None:
    made: list[str] = []
    with pytest.raises(Conflict, match="already in use"):
        recorded(_create({"web"}, made), "web", chosen=False)
    assert made == []

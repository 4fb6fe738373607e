"""``network rm``: the default network cannot go, by any of its names (podman's words,
exit 125), and the exit code of several is podman's (a missing network's 1 wins)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from hutch.api.container_actions import ActionReport
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.networks import NetworkSubnet
from hutch.api.networks import NetworkSummary as Summary
from hutch.cli.network_rm import exit_code
from hutch.engine.network_record import encode
from hutch.engine.networks import DEFAULT_NAMES, _removable
from hutch.store import db
from hutch.store.networks import NetworkStore


@pytest.fixture
def ctx(tmp_path: Path) -> Any:
    conn = db.connect(tmp_path / "db.sqlite")
    subnet = NetworkSubnet("10.89.7.0/24", "10.89.7.1")
    row = Summary("front", "f" * 64, "bridge", "", (subnet,), False, False, True, (), (), 5.0)
    NetworkStore(conn).create(encode(row), [subnet.subnet])
    return cast(Any, SimpleNamespace(conn=conn))


@pytest.mark.parametrize("name", DEFAULT_NAMES)
def test_each_name_of_the_default_network_is_refused(ctx: Any, name: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        _removable(ctx, name, "")
    assert refused.value.message == f"default network {name} cannot be removed"
    assert refused.value.exit_code == 125


def test_a_user_network_the_setting_makes_the_default_is_refused(ctx: Any) -> None:
    assert _removable(ctx, "front", "").name == "front"
    with pytest.raises(InvalidArgument, match=r"^default network front cannot be removed$"):
        _removable(ctx, "front", "front")
    with pytest.raises(InvalidArgument, match=r"^default network front cannot be removed$"):
        _removable(ctx, "ffff", "front")  # by an id prefix too


def test_a_missing_network_is_podmans_not_found(ctx: Any) -> None:
    with pytest.raises(NoSuchObject) as missing:
        _removable(ctx, "nosuch", "")
    assert missing.value.message == (
        "unable to find network with name or ID nosuch: network not found"
    )


def _report(name: str, code: int | None) -> ActionReport:
    if code is None:
        return ActionReport(name, name)
    return ActionReport(name, error="e", exit_code=code)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((None,), 0),
        ((125,), 125),
        ((1, 125), 1),  # network rm nosuch podman
        ((125, 1), 1),  # network rm podman nosuch
        ((None, 125), 125),  # network rm n1 podman
        ((2, 1), 1),
        ((1, 2), 2),  # the last missing or in-use one counts
    ],
)
def test_the_exit_code_of_several_is_podmans(codes: tuple[int | None, ...], expected: int) -> None:
    assert exit_code([_report(f"n{i}", c) for i, c in enumerate(codes)]) == expected

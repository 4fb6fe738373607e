"""``ps``/``start --filter restart-policy=``: podman's policy names (hutch-restart.service)."""

from __future__ import annotations

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.engine.container_filters import parse_filters


def _container(name: str, policy: str) -> ContainerSummary:
    return ContainerSummary(
        name * 8, name, "base", "ab" * 32, "sleep 1", 0.0, "exited", 0, 0.0, 0.0,
        restart_policy=policy,
    )  # fmt: skip


ALL = [_container(n, p) for n, p in (("a", "always"), ("b", "no"), ("c", "on-failure"), ("d", ""))]


def _names(*filters: str) -> list[str]:
    parsed = parse_filters(filters)
    return [c.name for c in ALL if parsed.match(c)]


def test_each_policy_matches_its_containers() -> None:
    assert _names("restart-policy=always") == ["a"]
    assert _names("restart-policy=on-failure") == ["c"]
    assert _names("restart-policy=unless-stopped") == []
    assert _names("restart-policy=always", "restart-policy=on-failure") == ["a", "c"]


def test_none_is_the_policy_of_a_container_without_one() -> None:
    # podman 4.3.1: --restart no is "no", no flag is "" (none); each filter has its own
    assert _names("restart-policy=none") == ["d"]
    assert _names("restart-policy=no") == ["b"]
    assert _names("restart-policy=none", "restart-policy=no") == ["b", "d"]


def test_an_unknown_policy_is_podmans_error() -> None:
    with pytest.raises(InvalidArgument, match=r"^sometimes invalid restart policy$"):
        parse_filters(["restart-policy=sometimes"])
    # current podman names every bad one
    with pytest.raises(InvalidArgument, match=r"^a, b invalid restart policies$"):
        parse_filters(["restart-policy=a", "restart-policy=always", "restart-policy=b"])

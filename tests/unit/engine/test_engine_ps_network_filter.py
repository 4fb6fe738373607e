"""``ps --filter network=NAME``: the containers that joined the user network NAME."""

from __future__ import annotations

from hutch.api.containers import ContainerSummary
from hutch.engine.container_filters import parse_filters


def _container(name: str, *networks: str) -> ContainerSummary:
    return ContainerSummary(
        name * 8, name, "base", "ab" * 32, "sleep 1", 0.0, "running", 0, 0.0, 0.0,
        networks=networks,
    )  # fmt: skip


ALL = [_container("a", "front"), _container("b", "front", "back"), _container("c")]


def _names(*filters: str) -> list[str]:
    parsed = parse_filters(filters)
    return [c.name for c in ALL if parsed.match(c)]


def test_network_matches_the_containers_on_it() -> None:
    assert _names("network=front") == ["a", "b"]
    assert _names("network=back") == ["b"]
    assert _names("network=back", "network=nope") == ["b"]  # values of one key: any
    assert _names("network=nope") == []


def test_the_filter_asks_the_engine_for_networks() -> None:
    assert parse_filters(["network=front"]).needs_networks
    assert not parse_filters(["name=a"]).needs_networks

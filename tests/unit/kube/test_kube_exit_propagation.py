"""``kube play --service-exit-code-propagation``: the policy and the exit status it gives."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.kube.service import exit_code, parse_propagation


@pytest.mark.parametrize(
    ("policy", "codes", "status"),
    [
        ("none", [0, 3, 4], 0),
        ("any", [0, 0], 0),
        ("any", [0, 3, 4], 3),  # the first failed container's code, in the YAML's order
        ("all", [0, 3, 4], 0),
        ("all", [5, 3], 5),
        ("all", [], 0),  # no container: nothing failed
        ("any", [0, 300], 1),  # not an exit status: plain failure
        ("any", [0, -1], 1),
    ],
)
def test_the_status_follows_the_policy(policy: str, codes: list[int], status: int) -> None:
    assert exit_code(policy, codes) == status


def test_podmans_values_and_empty_as_none() -> None:
    assert [parse_propagation(v) for v in ("", "none", "all", "any")] == [
        "none",
        "none",
        "all",
        "any",
    ]
    with pytest.raises(InvalidArgument, match='unsupported exit-code propagation "All"'):
        parse_propagation("All")


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        ({"service_container": True}, "--service-container"),
        ({"service_exit_code_propagation": "any"}, "--service-exit-code-propagation"),
    ],
)
def test_serving_needs_the_pods_started(flags: dict[str, object], named: str) -> None:
    from typing import Any, cast

    from hutch.api.kube import KubePlayOptions
    from hutch.kube.play import Player

    yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
    yaml += "spec: {containers: [{name: c, image: i}]}\n"
    options = KubePlayOptions(
        source="-", start=False, read_stdin=lambda: yaml, **cast(dict[str, Any], flags)
    )
    # refused before the engine is asked anything (it has none here)
    with pytest.raises(InvalidArgument, match=f"{named} needs the pods started"):
        Player(cast(Any, None), lambda _: None).play(options)

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

"""Names of clones (podman's container clone and pod clone)."""

from __future__ import annotations

import pytest

from hutch.util.ids import clone_name


@pytest.mark.parametrize(
    ("name", "taken", "want"),
    [
        ("web", set(), "web-clone"),
        ("web", {"web-clone"}, "web-clone1"),
        ("web", {"web-clone", "web-clone1", "web-clone2"}, "web-clone3"),
        # a clone's clone counts on (podman does not make web-clone-clone)
        ("web-clone", set(), "web-clone1"),
        ("web-clone", {"web-clone1"}, "web-clone2"),
        ("web-clone3", set(), "web-clone4"),
        ("web-clone3", {"web-clone4"}, "web-clone5"),
        ("web-clone0", set(), "web-clone1"),
        # not a number after -clone: one is added
        ("a-clone-x", set(), "a-clone-x1"),
        ("a-clone-x", {"a-clone-x1"}, "a-clone-x2"),
    ],
)
def test_clone_names_are_podmans(name: str, taken: set[str], want: str) -> None:
    assert clone_name(name, taken) == want

"""container runlabel: podman's substitutions in a label's command."""

from __future__ import annotations

import pytest

from hutch.cli.runlabel import default_name, expand

IMAGE = "localhost/rl:latest"


@pytest.mark.parametrize(
    ("image", "name"),
    [(IMAGE, "rl"), ("quay.io/a/b/app@sha256:00", "app"), ("app", "app")],
)
def test_default_name_is_the_short_name(image: str, name: str) -> None:
    assert default_name(image) == name


def test_expand_as_podman() -> None:
    label = 'podman run --rm --name NAME IMAGE sh -c "echo $NAME ${IMAGE}"'
    assert expand(label, IMAGE, "rl", ["a", "b"], ["hutch"]) == [
        "hutch",
        "run",
        "--rm",
        "--name",
        "rl",
        IMAGE,
        "sh",
        "-c",
        f"echo rl {IMAGE}",
        "a",
        "b",
    ]


def test_expand_keeps_other_programs() -> None:
    assert expand("/usr/bin/install.sh IMAGE", IMAGE, "rl", [], ["hutch"]) == [
        "/usr/bin/install.sh",
        IMAGE,
    ]

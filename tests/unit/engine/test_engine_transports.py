"""TRANSPORT:PATH[:REF] as podman's pull, run and create read it."""

from __future__ import annotations

import pytest

from hutch.engine.transports import TransportRef, split_transport


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docker-archive:/a/b.tar", TransportRef("docker-archive", "/a/b.tar")),
        ("docker-archive:/a/b.tar:web:1", TransportRef("docker-archive", "/a/b.tar", "web:1")),
        ("oci-archive:x.oci:v2", TransportRef("oci-archive", "x.oci", "v2")),
        ("oci:/layout:t1", TransportRef("oci", "/layout", "t1")),
        ("dir:/d:with:colons", TransportRef("dir", "/d:with:colons")),
        (
            "containers-storage:localhost/base:1",
            TransportRef("containers-storage", "", "localhost/base:1"),
        ),
    ],
)
def test_transports_are_split_as_podman_splits_them(text: str, expected: TransportRef) -> None:
    assert split_transport(text) == expected


@pytest.mark.parametrize(
    "text", ["busybox", "localhost:5000/base:1", "docker.io/library/alpine", "oci", "x:/y"]
)
def test_registry_references_are_no_transport(text: str) -> None:
    assert split_transport(text) is None

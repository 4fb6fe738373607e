"""inspect's HostConfig.Ulimits in podman's shape."""

from __future__ import annotations

from hutch.api.containers import InspectUlimit
from hutch.engine.container_query import _ulimits


def test_inspect_ulimits_as_podman_names_them() -> None:
    assert _ulimits(("nofile=1024:2048", "nproc=-1")) == (
        InspectUlimit("RLIMIT_NOFILE", 1024, 2048),
        InspectUlimit("RLIMIT_NPROC", -1, -1),
    )

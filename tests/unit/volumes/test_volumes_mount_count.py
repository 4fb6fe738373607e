"""``MountCount`` counts mounts as podman does: only a volume that needs mounting
(podman's needsMount) holds any; a plain directory stays 0 however many use it."""

from __future__ import annotations

import pytest

from hutch.engine.volumes import needs_mount
from hutch.store.volumes import VolumeRecord


def _record(driver: str = "local", **options: str) -> VolumeRecord:
    return VolumeRecord("v", driver, 0.0, (), tuple(sorted(options.items())), False, True)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"UID": "1000", "GID": "100", "o": "uid=1000,gid=100"},  # an owner: a directory
        {"nocopy": ""},
        {"copy": ""},
    ],
)
def test_a_plain_directory_needs_no_mount(options: dict[str, str]) -> None:
    assert not needs_mount(_record(**options))


@pytest.mark.parametrize(
    "options",
    [
        {"type": "tmpfs", "device": "tmpfs"},
        {"type": "tmpfs", "o": "size=10m"},
        {"o": "bind", "device": "/srv/data"},
        {"type": "tmpfs", "nocopy": ""},
    ],
)
def test_a_tmpfs_or_a_device_needs_a_mount(options: dict[str, str]) -> None:
    assert needs_mount(_record(**options))


def test_another_driver_always_needs_a_mount() -> None:
    assert needs_mount(_record("image", image="base"))

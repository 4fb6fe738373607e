"""``unmount --latest`` as podman 4.3.1's: a running container is passed over
(nothing printed, exit 0), one not mounted is an error, one mounted is unmounted
and its full id answered (engine/container_mount.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from hutch.api.errors import HutchError
from hutch.engine import container_mount
from hutch.engine.container_mount import _Target, _unmount_latest

ID = "ab" * 32


def _target(running: bool) -> _Target:
    container = SimpleNamespace(
        running=running,
        record=SimpleNamespace(id=ID),
        dirs=SimpleNamespace(merged=f"/store/{ID}/merged"),
    )
    return _Target(cast(Any, container))


@pytest.fixture
def unmounted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(container_mount.sc, "umount2", lambda point, _flags: calls.append(point))
    return calls


def test_a_running_container_is_passed_over(unmounted: list[str]) -> None:
    target = _target(running=True)
    assert _unmount_latest([target], {target.point}) == []
    assert unmounted == []


def test_a_mounted_container_is_unmounted_and_its_full_id_answered(
    unmounted: list[str],
) -> None:
    target = _target(running=False)
    assert _unmount_latest([target], {target.point}) == [ID]
    assert unmounted == [target.point]


def test_one_not_mounted_is_podmans_error(unmounted: list[str]) -> None:
    with pytest.raises(HutchError, match=f"^unmounting container {ID}: .* layer is not mounted$"):
        _unmount_latest([_target(running=False)], set())
    assert unmounted == []

"""containers.conf's image_volume_mode (and --image-volume), interface_name,
prepare_volume_on_create: read, checked and chosen as podman does (issue 15)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from hutch.api.container_config import VolumeOptions
from hutch.api.errors import InvalidArgument
from hutch.config.container_defaults import ContainerDefaults, container_defaults
from hutch.engine import container_mounts
from hutch.engine.container_mounts import image_volume_mode


def test_image_volume_flag_beats_the_file_and_bind_is_the_default() -> None:
    tmpfs = ContainerDefaults(image_volume_mode="tmpfs")
    assert image_volume_mode("", None) == "bind"
    assert image_volume_mode("", tmpfs) == "tmpfs"
    assert image_volume_mode("ignore", tmpfs) == "ignore"


def test_a_bad_image_volume_gets_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as err:
        image_volume_mode("foo", None)
    assert err.value.message == (
        'invalid image volume mode "foo" required value: bind, tmpfs, ignore'
    )


def _ctx(defaults: ContainerDefaults | None) -> Any:
    return SimpleNamespace(settings=SimpleNamespace(defaults=defaults))


@pytest.mark.parametrize(
    ("flag", "kinds"),
    [("", ["volume", "volume"]), ("tmpfs", ["tmpfs", "tmpfs"]), ("ignore", [])],
)
def test_the_images_volumes_are_planned_by_the_mode(flag: str, kinds: list[str]) -> None:
    options = VolumeOptions(image_volume=flag)
    planned = container_mounts.plan_mounts(cast(Any, _ctx(None)), options, ("/data", "/cache"))
    assert [r.kind for r in planned] == kinds
    if flag == "tmpfs":
        # podman's: writable, exec, nothing of the image copied in
        assert not planned[0].readonly and not planned[0].copy_up
        assert "noexec" not in planned[0].options


def test_a_flag_mount_keeps_its_path_from_the_image_volume() -> None:
    options = VolumeOptions(tmpfs=("/data",), image_volume="bind")
    planned = container_mounts.plan_mounts(cast(Any, _ctx(None)), options, ("/data",))
    assert [(r.kind, r.destination) for r in planned] == [("tmpfs", "/data")]


def test_the_keys_are_read_and_checked() -> None:
    d = container_defaults(
        {"interface_name": "device", "prepare_volume_on_create": True},
        {"image_volume_mode": "ignore"},
    )
    assert d is not None
    assert (d.interface_name, d.prepare_volume_on_create, d.image_volume_mode) == (
        "device",
        True,
        "ignore",
    )
    with pytest.raises(InvalidArgument, match="invalid interface_name option eth"):
        container_defaults({"interface_name": "eth"}, {})
    with pytest.raises(InvalidArgument, match="image_volume_mode must be bind, tmpfs or ignore"):
        container_defaults({}, {"image_volume_mode": "copy"})
    with pytest.raises(InvalidArgument, match="prepare_volume_on_create must be true or false"):
        container_defaults({"prepare_volume_on_create": "yes"}, {})


def test_image_volume_mode_alone_makes_the_defaults() -> None:
    from hutch.config.settings import _defaults

    d = _defaults({}, {"image_volume_mode": "tmpfs"})
    assert d is not None and d.image_volume_mode == "tmpfs"


def test_containers_conf_carries_image_volume_mode_but_not_podmans_default() -> None:
    from hutch.config.settings import podman_tables

    tables = podman_tables({"engine": {"image_volume_mode": "tmpfs"}})
    assert tables["engine"] == {"image_volume_mode": "tmpfs"}
    assert "engine" not in podman_tables({"engine": {"image_volume_mode": "bind"}})

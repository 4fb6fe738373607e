"""The image volume driver's options (issue 15): podman's words for what it refuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.volumes.image_driver import parse_image_volume_options


def test_the_image_option_is_kept_as_given() -> None:
    assert parse_image_volume_options(("image=alpine:3",)) == (("image", "alpine:3"),)


def test_a_later_image_wins() -> None:
    assert parse_image_volume_options(("image=a", "image=b")) == (("image", "b"),)


@pytest.mark.parametrize("items", [(), ("image=",)])
def test_an_image_is_required(items: tuple[str, ...]) -> None:
    with pytest.raises(InvalidArgument, match="must provide an image name"):
        parse_image_volume_options(items)


@pytest.mark.parametrize("item", ["foo=bar", "type=tmpfs", "nocopy", "image"])
def test_other_options_are_refused(item: str) -> None:
    key = item.split("=")[0]
    with pytest.raises(InvalidArgument, match=f"invalid mount option {key} for driver 'image'"):
        parse_image_volume_options(("image=a", item))


def test_image_mount_is_read_only_unless_rw() -> None:
    from hutch.volumes.specs import parse_mount

    ro = parse_mount("type=image,source=alpine,destination=/img")
    assert (ro.kind, ro.source, ro.destination, ro.readonly) == ("image", "alpine", "/img", True)
    assert not parse_mount("type=image,src=alpine,target=/img,rw=true").readonly
    assert parse_mount("type=image,src=alpine,dst=/img,readwrite=false").readonly


@pytest.mark.parametrize("driver", ["fuse-overlayfs", "vfs"])
def test_image_volumes_need_native_overlay(driver: str) -> None:
    from types import SimpleNamespace
    from typing import cast

    from hutch.engine.context import EngineContext
    from hutch.engine.image_volumes import check_driver

    ctx = cast(EngineContext, SimpleNamespace(driver=SimpleNamespace(name=driver)))
    with pytest.raises(
        InvalidArgument, match=f"native overlay storage driver; this store uses {driver}"
    ):
        check_driver(ctx)
    check_driver(cast(EngineContext, SimpleNamespace(driver=SimpleNamespace(name="overlay"))))


def test_old_mount_records_read_as_local_volumes() -> None:
    from hutch.engine.container_record import MountRecord
    from hutch.engine.inspect_binds import inspect_mounts

    (mount,) = inspect_mounts((MountRecord("volume", "/d", "/s", name="v"),))
    assert mount.driver == "local"
    (mount,) = inspect_mounts((MountRecord("volume", "/d", "/s", name="v", driver="image"),))
    assert mount.driver == "image"
    (mount,) = inspect_mounts((MountRecord("image", "/img", "alpine", readonly=True),))
    assert (mount.type, mount.source, mount.driver, mount.rw) == ("image", "alpine", "", False)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("dir/inner", "dir/inner"),
        ("/dir/inner/", "dir/inner"),
        ("dir/../other", "other"),
        ("./dir//inner", "dir/inner"),
        (".", ""),
        ("/", ""),
    ],
)
def test_image_mount_subpath_is_kept_relative_to_the_image(given: str, kept: str) -> None:
    from hutch.volumes.specs import parse_mount

    request = parse_mount(f"type=image,src=alpine,dst=/img,subpath={given}")
    assert request.subpath == kept
    assert parse_mount("type=image,src=alpine,dst=/img").subpath == ""


@pytest.mark.parametrize("given", ["..", "../etc", "/../etc", "dir/../../etc", "a/b/../../.."])
def test_image_mount_subpath_outside_the_image_is_refused(given: str) -> None:
    from hutch.volumes.specs import parse_mount

    with pytest.raises(
        InvalidArgument, match=f"subpath '{re.escape(given)}' is outside of the image"
    ):
        parse_mount(f"type=image,src=alpine,dst=/img,subpath={given}")


def test_image_mount_subpath_needs_a_value() -> None:
    from hutch.volumes.specs import parse_mount

    with pytest.raises(InvalidArgument, match="subpath: must provide an argument for option"):
        parse_mount("type=image,src=alpine,dst=/img,subpath=")


def test_the_overlay_options_of_an_image_mount_come_apart() -> None:
    from hutch.runtime.mounts import _image_options

    data = "lowerdir=a/diff:b/diff:/c/empty,userxattr,imageid=abc123,subpath=etc/x"
    assert _image_options(data) == ("etc/x", "lowerdir=a/diff:b/diff:/c/empty,userxattr")
    # no subpath: the whole image; an image volume's data is left as it is
    assert _image_options("lowerdir=a/diff:/e,imageid=abc123") == ("", "lowerdir=a/diff:/e")
    plain = "lowerdir=a/diff,upperdir=/u,workdir=/w,userxattr"
    assert _image_options(plain) == ("", plain)


def test_the_images_a_spec_mounts_are_read_from_it(tmp_path: Path) -> None:
    from hutch.engine.image_volumes import mounted_image_ids

    assert mounted_image_ids(tmp_path) == []  # no config.json yet
    mounts = [
        {"kind": "overlay", "options": ["lowerdir=a", "imageid=abc", "subpath=x"]},
        {"kind": "bind", "options": ["ro"]},
        {"kind": "overlay", "options": ["lowerdir=b", "imageid=def"]},
    ]
    (tmp_path / "config.json").write_text(json.dumps({"mounts": mounts}))
    assert mounted_image_ids(tmp_path) == ["abc", "def"]


def test_another_driver_is_a_missing_plugin_in_podmans_words() -> None:
    from types import SimpleNamespace
    from typing import cast

    from hutch.api.volumes import VolumeCreateOptions
    from hutch.engine.context import EngineContext
    from hutch.engine.volumes import VolumeService

    service = VolumeService(cast(EngineContext, SimpleNamespace()), lambda _names: [])
    with pytest.raises(InvalidArgument) as caught:
        service.create(VolumeCreateOptions(name="v2", driver="bogus"))
    assert str(caught.value) == (
        "volume v2 uses volume plugin bogus but it could not be retrieved: "
        "no volume plugin with name bogus available: required plugin missing"
    )

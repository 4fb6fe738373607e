"""engine manifests on a real store (tmp_path): create, add, annotate, remove, exists,
rm of local lists, a list standing for its host entry, and podman's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutch.api.errors import Conflict, HutchError, InvalidArgument, NoSuchObject
from hutch.api.images import (
    ManifestAddOptions,
    ManifestAnnotateOptions,
    ManifestCreateOptions,
    ManifestPlatform,
)
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.context import EngineContext
from hutch.engine.distribution import Distribution
from hutch.engine.manifests import Manifests
from hutch.engine.resolve import find_image
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of
from hutch.oci.platform import host_platform


def _ctx(tmp_path: Path) -> EngineContext:
    return EngineContext(
        Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config"), Settings()
    )


def _image(ctx: EngineContext, n: int, name: str, arch: str | None = None) -> str:
    host = host_platform()
    config = json.dumps({"architecture": arch or host.architecture, "os": "linux", "n": n}).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": mt.OCI_MANIFEST,
            "config": {
                "mediaType": mt.OCI_CONFIG,
                "digest": str(sha256_of(config)),
                "size": len(config),
            },
            "layers": [],
        }
    ).encode()
    image_id = sha256_of(config).hex
    ctx.images.add(image_id, config, manifest, str(sha256_of(manifest)), [], [name])
    return str(sha256_of(manifest))


@pytest.fixture
def ctx(tmp_path: Path) -> EngineContext:
    return _ctx(tmp_path)


@pytest.fixture
def manifests(ctx: EngineContext) -> Manifests:
    return Manifests(ctx, Distribution(ctx, env={}))


def entries(ctx: EngineContext, name: str) -> list[dict[str, object]]:
    record = find_image(ctx.images, name, lists=True)
    return list(json.loads(record.manifest_raw)["manifests"])


def test_create_add_annotate_remove(ctx: EngineContext, manifests: Manifests) -> None:
    first = _image(ctx, 1, "localhost/one:latest")
    second = _image(ctx, 2, "localhost/two:latest", arch="arm64")
    list_id = manifests.create(ManifestCreateOptions("mylist", ("one",)))
    assert manifests.exists("mylist") and not manifests.exists("nolist")
    assert manifests.add(ManifestAddOptions("mylist", "containers-storage:two")) == list_id
    assert [e["digest"] for e in entries(ctx, "mylist")] == [first, second]
    assert entries(ctx, "mylist")[1]["platform"] == {"architecture": "arm64", "os": "linux"}
    change = ManifestPlatform(variant="v8", annotations=("k=v",))
    assert manifests.annotate(ManifestAnnotateOptions("mylist", second, change)) == list_id
    annotated = entries(ctx, "mylist")[1]
    assert annotated["platform"] == {"architecture": "arm64", "os": "linux", "variant": "v8"}
    assert annotated["annotations"] == {"k": "v"}
    # a list stands for its host entry where an image is wanted; rmi/tag see the list
    assert find_image(ctx.images, "mylist").digest == first
    assert find_image(ctx.images, "mylist", lists=True).id == list_id
    assert manifests.remove("mylist", first) == list_id
    assert [e["digest"] for e in entries(ctx, "mylist")] == [second]
    with pytest.raises(NoSuchObject, match="no image found in image index for architecture"):
        find_image(ctx.images, "mylist")
    reports = manifests.rm(["mylist", "nolist", "one"])
    assert [(r.untagged, r.deleted) for r in reports[:1]] == [
        (("localhost/mylist:latest",), (list_id,))
    ]
    assert [(r.error, r.exit_code) for r in reports[1:]] == [
        ("nolist: image not known", 1),
        ("localhost/one:latest: image is not a manifest list", 125),  # podman names it in full
    ]
    assert find_image(ctx.images, "two").digest == second  # the images stay


def test_create_amend_and_add_options(ctx: EngineContext, manifests: Manifests) -> None:
    first = _image(ctx, 1, "localhost/one:latest")
    list_id = manifests.create(ManifestCreateOptions("l", annotations=("a=b",)))
    with pytest.raises(Conflict, match='image name "localhost/l:latest" is already associated'):
        manifests.create(ManifestCreateOptions("l"))
    assert manifests.create(ManifestCreateOptions("l", ("one",), amend=True)) == list_id
    doc = json.loads(find_image(ctx.images, "l", lists=True).manifest_raw)
    assert doc["annotations"] == {"a": "b"} and doc["mediaType"] == mt.OCI_INDEX
    options = ManifestAddOptions(
        "l", "one", platform=ManifestPlatform(os_version="10", os_features=("x",), features=("f",))
    )
    manifests.add(options)
    assert entries(ctx, "l")[0]["digest"] == first
    assert entries(ctx, "l")[0]["platform"] == {
        "architecture": host_platform().architecture,
        "os": "linux",
        "os.version": "10",
        "os.features": ["x"],
        "features": ["f"],
    }
    # a list added with --all brings its entries
    manifests.create(ManifestCreateOptions("outer", ("l",), all=True))
    assert [e["digest"] for e in entries(ctx, "outer")] == [first]


def test_podmans_errors(ctx: EngineContext, manifests: Manifests) -> None:
    _image(ctx, 1, "localhost/one:latest")
    manifests.create(ManifestCreateOptions("l"))
    with pytest.raises(
        InvalidArgument, match=r"^localhost/one:latest: image is not a manifest list$"
    ):
        manifests.exists("one")
    with pytest.raises(NoSuchObject, match="nolist: image not known"):
        manifests.add(ManifestAddOptions("nolist", "one"))
    with pytest.raises(NoSuchObject, match="nothere: image not known"):
        manifests.add(ManifestAddOptions("l", "containers-storage:nothere"))
    zero = "sha256:" + "0" * 64
    with pytest.raises(
        HutchError,
        match=f'^removing from manifest list l: no instance matching digest "{zero}" found',
    ):
        manifests.remove("l", zero)
    with pytest.raises(InvalidArgument, match='invalid image digest "nope": invalid checksum'):
        manifests.remove("l", "nope")
    with pytest.raises(NoSuchObject, match="removing from manifest list nolist: nolist: image"):
        manifests.remove("nolist", zero)
    with pytest.raises(NoSuchObject, match="no image instance matching digest"):
        manifests.annotate(ManifestAnnotateOptions("l", zero, ManifestPlatform(arch="arm64")))
    with pytest.raises(InvalidArgument, match=r'^no value given for annotation "x"$'):
        manifests.annotate(
            ManifestAnnotateOptions("l", None, ManifestPlatform(annotations=("x",)), index=True)
        )


def test_build_manifest_creates_the_list_then_adds_to_it(
    ctx: EngineContext, manifests: Manifests
) -> None:
    first = _image(ctx, 1, "localhost/one:latest")
    second = _image(ctx, 2, "localhost/two:latest", arch="arm64")
    one = find_image(ctx.images, "one").id
    list_id = manifests.add_image("multi", one)
    assert manifests.add_image("multi", find_image(ctx.images, "two").id) == list_id
    assert [e["digest"] for e in entries(ctx, "multi")] == [first, second]
    with pytest.raises(InvalidArgument, match="localhost/one:latest: image is not a manifest list"):
        manifests.add_image("one", one)

"""Manifests and indexes: parsing real-shaped documents, refusal, writing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hutch.api.errors import InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.oci.digest import parse_digest, sha256_of
from hutch.oci.manifest import (
    Descriptor,
    ImageIndex,
    ImageManifest,
    descriptor_of,
    layer_compression,
    parse_manifest,
)
from hutch.oci.platform import Platform

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
D3 = "sha256:" + "3" * 64
D4 = "sha256:" + "4" * 64

# The shape docker.io/library/alpine:3.19 has on Docker Hub (digests changed).
DOCKER_LIST = {
    "manifests": [
        {
            "digest": D1,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "platform": {"architecture": "amd64", "os": "linux"},
            "size": 528,
        },
        {
            "digest": D2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "platform": {"architecture": "arm", "os": "linux", "variant": "v6"},
            "size": 528,
        },
        {
            "digest": D3,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
            "size": 528,
        },
    ],
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "schemaVersion": 2,
}

DOCKER_MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1471,
        "digest": D1,
    },
    "layers": [
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 3408729,
            "digest": D2,
        }
    ],
}

# An OCI index as buildx pushes it, with an attestation manifest.
OCI_INDEX = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": D1,
            "size": 1005,
            "platform": {"architecture": "amd64", "os": "linux"},
        },
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": D2,
            "size": 566,
            "annotations": {
                "vnd.docker.reference.digest": D1,
                "vnd.docker.reference.type": "attestation-manifest",
            },
            "platform": {"architecture": "unknown", "os": "unknown"},
        },
    ],
    "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"},
}

OCI_MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": D1, "size": 7},
    "layers": [
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": D2, "size": 32},
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
            "digest": D3,
            "size": 16,
            "annotations": {"org.opencontainers.image.title": "layer.tar.zst"},
        },
        {
            "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "digest": D4,
            "size": 99,
            "urls": ["https://example.com/layer"],
        },
    ],
    "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": D4, "size": 3},
    "annotations": {"com.example.key": "value"},
}

SCHEMA1 = {
    "schemaVersion": 1,
    "name": "library/hello-world",
    "tag": "latest",
    "architecture": "amd64",
    "fsLayers": [{"blobSum": D1}],
    "history": [{"v1Compatibility": "{}"}],
    "signatures": [{"header": {}, "signature": "x", "protected": "y"}],
}


def raw(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def test_docker_manifest_list() -> None:
    index = parse_manifest(raw(DOCKER_LIST), mt.DOCKER_MANIFEST_LIST)
    assert isinstance(index, ImageIndex)
    assert index.media_type == mt.DOCKER_MANIFEST_LIST
    assert [str(m.digest) for m in index.manifests] == [D1, D2, D3]
    assert index.manifests[1].platform == Platform("linux", "arm", "v6")
    assert index.manifests[0].platform == Platform("linux", "amd64")
    assert index.manifests[0].size == 528


def test_docker_manifest() -> None:
    manifest = parse_manifest(raw(DOCKER_MANIFEST), mt.DOCKER_MANIFEST)
    assert isinstance(manifest, ImageManifest)
    assert manifest.media_type == mt.DOCKER_MANIFEST
    assert manifest.config == Descriptor(mt.DOCKER_CONFIG, parse_digest(D1), 1471)
    assert manifest.layers == (Descriptor(mt.DOCKER_LAYER_GZIP, parse_digest(D2), 3408729),)
    assert manifest.subject is None


def test_oci_manifest_all_fields() -> None:
    manifest = parse_manifest(raw(OCI_MANIFEST), None)
    assert isinstance(manifest, ImageManifest)
    assert manifest.media_type == mt.OCI_MANIFEST
    assert [layer_compression(x.media_type) for x in manifest.layers] == ["gzip", "zstd", "gzip"]
    assert manifest.layers[1].annotation("org.opencontainers.image.title") == "layer.tar.zst"
    assert manifest.layers[1].annotation("missing") is None
    assert manifest.layers[2].urls == ("https://example.com/layer",)
    assert manifest.subject is not None and str(manifest.subject.digest) == D4
    assert manifest.annotation("com.example.key") == "value"


def test_oci_index_with_attestation() -> None:
    index = parse_manifest(raw(OCI_INDEX), "application/vnd.oci.image.index.v1+json")
    assert isinstance(index, ImageIndex)
    assert index.manifests[1].annotation("vnd.docker.reference.type") == "attestation-manifest"
    assert index.annotation("org.opencontainers.image.created") == "2024-01-01T00:00:00Z"


def test_platform_fields() -> None:
    doc = json.loads(raw(OCI_INDEX))
    doc["manifests"][0]["platform"] = {
        "architecture": "amd64",
        "os": "windows",
        "os.version": "10.0.17763.1040",
        "os.features": ["win32k"],
    }
    index = parse_manifest(raw(doc), None)
    assert isinstance(index, ImageIndex)
    assert index.manifests[0].platform == Platform(
        "windows", "amd64", None, "10.0.17763.1040", ("win32k",)
    )


def test_kind_from_header_when_field_absent() -> None:
    doc = {k: v for k, v in DOCKER_MANIFEST.items() if k != "mediaType"}
    manifest = parse_manifest(raw(doc), f"{mt.DOCKER_MANIFEST}; charset=utf-8")
    assert isinstance(manifest, ImageManifest)
    assert manifest.media_type == mt.DOCKER_MANIFEST


def test_kind_from_shape_when_nothing_says() -> None:
    index_doc = {k: v for k, v in OCI_INDEX.items() if k != "mediaType"}
    manifest_doc = {k: v for k, v in OCI_MANIFEST.items() if k != "mediaType"}
    index = parse_manifest(raw(index_doc), "application/json")
    manifest = parse_manifest(raw(manifest_doc), None)
    assert isinstance(index, ImageIndex) and index.media_type == mt.OCI_INDEX
    assert isinstance(manifest, ImageManifest) and manifest.media_type == mt.OCI_MANIFEST


def test_field_wins_over_header_of_same_kind() -> None:
    manifest = parse_manifest(raw(OCI_MANIFEST), mt.DOCKER_MANIFEST)
    assert isinstance(manifest, ImageManifest)
    assert manifest.media_type == mt.OCI_MANIFEST


def test_header_of_other_kind_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="contradicts Content-Type"):
        parse_manifest(raw(OCI_MANIFEST), mt.OCI_INDEX)


@pytest.mark.parametrize(
    ("doc", "content_type"),
    [
        (SCHEMA1, mt.DOCKER_SCHEMA1_SIGNED),
        (SCHEMA1, None),
        (SCHEMA1, "application/json"),
        ({**SCHEMA1, "mediaType": mt.DOCKER_SCHEMA1_MANIFEST}, None),
        ({**DOCKER_MANIFEST, "mediaType": mt.DOCKER_SCHEMA1_SIGNED}, None),
    ],
)
def test_schema1_refused(doc: dict[str, Any], content_type: str | None) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_manifest(raw(doc), content_type)
    assert str(info.value).startswith("schema 1 manifests are not supported; ")


def _without(doc: dict[str, Any], *path: str | int) -> dict[str, Any]:
    copy: Any = json.loads(json.dumps(doc))
    target = copy
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    result: dict[str, Any] = copy
    return result


def _with(doc: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    copy: Any = json.loads(json.dumps(doc))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    result: dict[str, Any] = copy
    return result


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (_without(OCI_MANIFEST, "config"), "config is missing"),
        (_without(OCI_MANIFEST, "layers"), "layers is missing"),
        (_without(OCI_MANIFEST, "schemaVersion"), "schemaVersion must be 2"),
        (_with(OCI_MANIFEST, 3, "schemaVersion"), "schemaVersion must be 2"),
        (_with(OCI_MANIFEST, "2", "schemaVersion"), "schemaVersion must be 2"),
        (_with(OCI_MANIFEST, {}, "layers"), "layers must be a list"),
        (_with(OCI_MANIFEST, ["x"], "layers"), "layers[0] must be a JSON object"),
        (_without(OCI_MANIFEST, "layers", 1, "digest"), "layers[1].digest is missing"),
        (_with(OCI_MANIFEST, "sha256:abc", "layers", 0, "digest"), "layers[0].digest: invalid"),
        (_with(OCI_MANIFEST, "md5:" + "0" * 32, "config", "digest"), "config.digest"),
        (_with(OCI_MANIFEST, -1, "layers", 0, "size"), "layers[0].size must be"),
        (_with(OCI_MANIFEST, "7", "config", "size"), "config.size must be"),
        (_with(OCI_MANIFEST, True, "config", "size"), "config.size must be"),
        (_without(OCI_MANIFEST, "config", "size"), "config.size must be"),
        (_without(OCI_MANIFEST, "config", "mediaType"), "config.mediaType is missing"),
        (_with(OCI_MANIFEST, 5, "config", "mediaType"), "config.mediaType must be a string"),
        (_with(OCI_MANIFEST, "x", "layers", 2, "urls"), "layers[2].urls must be a list"),
        (_with(OCI_MANIFEST, {"a": 1}, "annotations"), "annotations must map strings"),
        (_with(OCI_MANIFEST, [], "subject"), "subject must be a JSON object"),
        (_with(OCI_MANIFEST, "application/x-foo", "mediaType"), "unsupported media type"),
        (_with(OCI_MANIFEST, 2, "mediaType"), "mediaType must be a string"),
        (_without(OCI_INDEX, "manifests"), "manifests is missing"),
        (_with(OCI_INDEX, {"os": "linux"}, "manifests", 0, "platform"), "architecture is missing"),
        (_with(OCI_INDEX, "linux/amd64", "manifests", 0, "platform"), "platform must be a JSON"),
        ({"schemaVersion": 2}, "neither an image manifest nor an image index"),
    ],
)
def test_malformed_documents(doc: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_manifest(raw(doc), None)
    message = str(info.value)
    assert message.startswith("invalid manifest: ")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe", b"[]", b"null", b'"x"', b"2"])
def test_not_a_json_object(data: bytes) -> None:
    with pytest.raises(InvalidArgument, match=r"^invalid manifest: "):
        parse_manifest(data, None)


def test_to_bytes_is_canonical_and_round_trips() -> None:
    config = descriptor_of(b'{"os":"linux"}', mt.OCI_CONFIG)
    layer = Descriptor(
        mt.OCI_LAYER_GZIP, parse_digest(D2), 10, annotations=(("z", "1"), ("a", "2"))
    )
    manifest = ImageManifest(config=config, layers=(layer,), annotations=(("k", "v"),))
    data = manifest.to_bytes()
    assert b" " not in data
    assert data.startswith(b'{"annotations":{"k":"v"},"config":{"digest":')
    assert data.endswith(
        b'"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}'
    )
    assert data.index(b'"a":"2"') < data.index(b'"z":"1"')
    # Same manifest built with annotations in another order: same bytes.
    reordered = ImageManifest(
        config=config,
        layers=(Descriptor(mt.OCI_LAYER_GZIP, parse_digest(D2), 10, (), (("a", "2"), ("z", "1"))),),
        annotations=(("k", "v"),),
    )
    assert reordered.to_bytes() == data
    parsed = parse_manifest(data, None)
    assert isinstance(parsed, ImageManifest)
    assert parsed.to_bytes() == data
    assert parsed.config == config


def test_index_to_bytes_round_trips() -> None:
    entry = Descriptor(
        mt.OCI_MANIFEST,
        parse_digest(D1),
        100,
        platform=Platform("linux", "arm64", "v8", None, ("f",)),
        artifact_type="application/x-art",
        urls=("https://x",),
    )
    index = ImageIndex(manifests=(entry,), annotations=(("a", "b"),), subject=entry)
    data = index.to_bytes()
    assert json.loads(data)["manifests"][0]["platform"] == {
        "architecture": "arm64",
        "os": "linux",
        "variant": "v8",
        "os.features": ["f"],
    }
    assert parse_manifest(data, None) == index


def test_descriptor_of() -> None:
    data = b"hello"
    desc = descriptor_of(data, mt.OCI_CONFIG)
    assert desc.digest == sha256_of(data)
    assert desc.size == 5
    assert desc.media_type == mt.OCI_CONFIG


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        (mt.OCI_LAYER_TAR, "none"),
        (mt.OCI_LAYER_GZIP, "gzip"),
        (mt.OCI_LAYER_ZSTD, "zstd"),
        (mt.OCI_LAYER_NONDIST_TAR, "none"),
        (mt.OCI_LAYER_NONDIST_GZIP, "gzip"),
        (mt.OCI_LAYER_NONDIST_ZSTD, "zstd"),
        (mt.DOCKER_LAYER_TAR, "none"),
        (mt.DOCKER_LAYER_GZIP, "gzip"),
        (mt.DOCKER_LAYER_ZSTD, "zstd"),
        (mt.DOCKER_FOREIGN_LAYER_GZIP, "gzip"),
        (mt.DOCKER_FOREIGN_LAYER_TAR, "none"),
    ],
)
def test_layer_compression(media_type: str, expected: str) -> None:
    assert layer_compression(media_type) == expected


@pytest.mark.parametrize(
    "media_type",
    [mt.OCI_CONFIG, "application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "", "tar"],
)
def test_layer_compression_refuses_other_types(media_type: str) -> None:
    with pytest.raises(InvalidArgument, match="unsupported layer media type"):
        layer_compression(media_type)


def test_media_type_groups() -> None:
    assert mt.IMAGE_MANIFEST_TYPES.isdisjoint(mt.INDEX_TYPES)
    assert mt.SCHEMA1_TYPES.isdisjoint(mt.IMAGE_MANIFEST_TYPES | mt.INDEX_TYPES)
    assert set(mt.MANIFEST_ACCEPT) == mt.IMAGE_MANIFEST_TYPES | mt.INDEX_TYPES
    assert mt.NONDISTRIBUTABLE_LAYER_TYPES <= mt.LAYER_TYPES
    assert mt.OCI_CONFIG in mt.CONFIG_TYPES and mt.DOCKER_CONFIG in mt.CONFIG_TYPES

"""Local manifest lists: the edits of ``manifest add/remove/annotate`` on the index,
the media type rule, push's format conversion and inspect's layout."""

from __future__ import annotations

import json

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, parse_digest
from hutch.oci.manifest import Descriptor, ImageIndex, parse_manifest
from hutch.oci.manifest_list import (
    Annotate,
    annotate_instance,
    as_format,
    empty_index,
    instance_digest,
    parse_annotations,
    parse_index,
    render_index,
    with_instance,
    without_instance,
)
from hutch.oci.platform import Platform

D1 = parse_digest("sha256:" + "1" * 64)
D2 = parse_digest("sha256:" + "2" * 64)


def entry(
    digest: Digest = D1, media_type: str = mt.DOCKER_MANIFEST, arch: str = "amd64"
) -> Descriptor:
    return Descriptor(media_type, digest, 500, platform=Platform("linux", arch))


def test_an_empty_list_is_a_docker_manifest_list_printed_with_null_entries() -> None:
    index = empty_index()
    assert index.media_type == mt.DOCKER_MANIFEST_LIST
    assert json.loads(render_index(index)) == {
        "schemaVersion": 2,
        "mediaType": mt.DOCKER_MANIFEST_LIST,
        "manifests": None,
    }
    # what the store keeps parses back as an index
    assert parse_index(index.to_bytes()) == index


def test_entries_are_added_once_per_digest_and_replaced_in_place() -> None:
    index = with_instance(with_instance(empty_index(), entry(D1)), entry(D2, arch="arm64"))
    again = with_instance(index, entry(D1, arch="s390x"))
    assert [d.digest for d in again.manifests] == [D1, D2]
    assert again.manifests[0].platform == Platform("linux", "s390x")


def test_media_type_follows_podmans_rule() -> None:
    # empty: a Docker list; with entries: an OCI index, whatever their own type
    assert with_instance(empty_index(), entry()).media_type == mt.OCI_INDEX
    # data only a Docker list has (features) keeps it a Docker list ...
    features = annotate_instance(
        with_instance(empty_index(), entry()), D1, Annotate(features=("sse4",))
    )
    assert features.media_type == mt.DOCKER_MANIFEST_LIST
    # ... unless there is data only an OCI index has
    assert empty_index((("k", "v"),)).media_type == mt.OCI_INDEX
    annotated = annotate_instance(features, D1, Annotate(annotations=(("a", "b"),)))
    assert annotated.media_type == mt.OCI_INDEX
    assert annotated.manifests[0].annotations == (("a", "b"),)
    assert without_instance(annotated, D1).media_type == mt.DOCKER_MANIFEST_LIST


def test_remove_drops_the_entry_and_says_when_there_is_none() -> None:
    index = with_instance(with_instance(empty_index(), entry(D1)), entry(D2))
    assert [d.digest for d in without_instance(index, D1).manifests] == [D2]
    with pytest.raises(NoSuchObject, match=f'no instance matching digest "{D2}" found'):
        without_instance(without_instance(index, D2), D2)


def test_annotate_changes_only_what_is_given() -> None:
    index = with_instance(empty_index(), entry())
    changed = annotate_instance(
        index,
        D1,
        Annotate(arch="arm64", variant="v8", os_features=("a", "b"), features=("sse4",)),
    )
    platform = changed.manifests[0].platform
    assert platform == Platform(
        "linux", "arm64", variant="v8", os_features=("a", "b"), features=("sse4",)
    )
    doc = json.loads(render_index(changed))
    assert doc["mediaType"] == mt.DOCKER_MANIFEST_LIST  # features are Docker's only
    assert doc["manifests"][0] == {
        "mediaType": mt.DOCKER_MANIFEST,
        "size": 500,
        "digest": str(D1),
        "platform": {
            "architecture": "arm64",
            "os": "linux",
            "os.features": ["a", "b"],
            "variant": "v8",
            "features": ["sse4"],
        },
    }
    # features survive the store's round trip
    assert parse_manifest(changed.to_bytes()) == changed
    with pytest.raises(NoSuchObject, match="no image instance matching digest"):
        annotate_instance(index, D2, Annotate(arch="arm64"))


def test_digests_and_annotations_as_users_type_them() -> None:
    assert instance_digest(str(D1)) == D1
    with pytest.raises(InvalidArgument, match='invalid image digest "nope": invalid checksum'):
        instance_digest("nope")
    assert parse_annotations(["a=1", "b=x=y", "a=2"]) == (("a", "2"), ("b", "x=y"))
    with pytest.raises(InvalidArgument, match=r'^no value given for annotation "novalue"$'):
        parse_annotations(["novalue"])


def test_push_formats() -> None:
    index = annotate_instance(
        with_instance(empty_index(), entry()), D1, Annotate(annotations=(("a", "b"),))
    )
    docker = as_format(index, "v2s2")
    assert docker.media_type == mt.DOCKER_MANIFEST_LIST
    assert docker.manifests[0].annotations == ()  # a Docker list has no annotations
    assert as_format(index, "oci").media_type == mt.OCI_INDEX
    assert as_format(index, None) is index
    with pytest.raises(InvalidArgument, match="unknown format 'x'"):
        as_format(index, "x")


def test_an_image_manifest_is_not_a_list() -> None:
    raw = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": mt.OCI_MANIFEST,
            "config": {"mediaType": mt.OCI_CONFIG, "digest": str(D1), "size": 2},
            "layers": [],
        }
    ).encode()
    with pytest.raises(InvalidArgument, match="image is not a manifest list"):
        parse_index(raw)
    assert isinstance(parse_index(empty_index().to_bytes()), ImageIndex)

"""push --format: the manifest's media types change, the digests it names do not."""

from __future__ import annotations

import json

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.pushconvert import as_manifest_type
from hutch.oci import mediatypes as mt

OCI = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": mt.OCI_MANIFEST,
        "config": {"mediaType": mt.OCI_CONFIG, "digest": "sha256:" + "c" * 64, "size": 9},
        "layers": [
            {"mediaType": mt.OCI_LAYER_GZIP, "digest": "sha256:" + "a" * 64, "size": 3},
            {"mediaType": mt.OCI_LAYER_TAR, "digest": "sha256:" + "b" * 64, "size": 4},
        ],
    }
).encode()


def test_oci_to_docker_and_back() -> None:
    docker = json.loads(as_manifest_type(OCI, "v2s2"))
    assert docker["mediaType"] == mt.DOCKER_MANIFEST
    assert docker["config"]["mediaType"] == mt.DOCKER_CONFIG
    assert [x["mediaType"] for x in docker["layers"]] == [mt.DOCKER_LAYER_GZIP, mt.DOCKER_LAYER_TAR]
    assert [x["digest"] for x in docker["layers"]] == [
        x["digest"] for x in json.loads(OCI)["layers"]
    ]
    again = json.loads(as_manifest_type(json.dumps(docker).encode(), "oci"))
    assert again == json.loads(OCI)


def test_same_type_or_no_format_is_untouched() -> None:
    assert as_manifest_type(OCI, None) is OCI
    assert as_manifest_type(OCI, "oci") is OCI


@pytest.mark.parametrize("fmt", ["v2s1", "OCI", ""])
def test_other_formats_are_refused(fmt: str) -> None:
    with pytest.raises(InvalidArgument, match="use oci or v2s2"):
        as_manifest_type(OCI, fmt)

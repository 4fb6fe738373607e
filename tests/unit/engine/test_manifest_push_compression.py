"""manifest push --compression-format zstd: a list with a Docker schema 2 image is
refused before anything is uploaded (that manifest type cannot name zstd layers)."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.manifest_push import _refuse_zstd_docker
from hutch.oci import mediatypes as mt
from hutch.oci.digest import parse_digest
from hutch.oci.manifest import Descriptor, ImageIndex

OCI = Descriptor(mt.OCI_MANIFEST, parse_digest("sha256:" + "a" * 64), 10)
DOCKER = Descriptor(mt.DOCKER_MANIFEST, parse_digest("sha256:" + "b" * 64), 10)


def test_an_index_of_oci_images_may_take_zstd() -> None:
    _refuse_zstd_docker(ImageIndex((OCI, OCI)))


def test_a_docker_schema_2_entry_refuses_zstd_and_names_itself() -> None:
    with pytest.raises(InvalidArgument, match=r"instance sha256:b{64} is a Docker schema 2"):
        _refuse_zstd_docker(ImageIndex((OCI, DOCKER)))

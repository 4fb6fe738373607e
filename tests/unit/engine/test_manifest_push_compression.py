"""manifest push --compression-format zstd|none: a list with a Docker schema 2 image
is refused before anything is uploaded (that manifest type names gzip layers only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.manifest_push import _refuse_docker_entries
from hutch.oci import mediatypes as mt
from hutch.oci.digest import parse_digest
from hutch.oci.manifest import Descriptor, ImageIndex

OCI = Descriptor(mt.OCI_MANIFEST, parse_digest("sha256:" + "a" * 64), 10)
DOCKER = Descriptor(mt.DOCKER_MANIFEST, parse_digest("sha256:" + "b" * 64), 10)


def test_an_index_of_oci_images_may_take_zstd() -> None:
    _refuse_docker_entries(ImageIndex((OCI, OCI)), "zstd")
    _refuse_docker_entries(ImageIndex((OCI, OCI)), "none")


def test_a_docker_schema_2_entry_refuses_zstd_and_names_itself() -> None:
    with pytest.raises(InvalidArgument, match=r"instance sha256:b{64} is a Docker schema 2"):
        _refuse_docker_entries(ImageIndex((OCI, DOCKER)), "zstd")
    with pytest.raises(InvalidArgument, match="cannot name plain layers"):
        _refuse_docker_entries(ImageIndex((DOCKER,)), "none")


def test_a_push_sends_the_manifest_whose_blobs_the_store_holds(tmp_path: Path) -> None:
    import json

    from hutch.engine.pushconvert import with_stored_blobs
    from hutch.store import db
    from hutch.store.images import ImageStore
    from hutch.store.layers import LayerInfo

    class Blobs:
        def blob_path(self, digest: str) -> Path:
            return tmp_path / digest.replace(":", "-")

    gz, zst = "sha256:" + "1" * 64, "sha256:" + "2" * 64
    (tmp_path / gz.replace(":", "-")).write_bytes(b"stored")
    own = json.dumps({"layers": [{"digest": gz}]}).encode()
    other = json.dumps({"layers": [{"digest": zst}]}).encode()
    conn = db.connect(tmp_path / "hutch.db")
    images = ImageStore(conn)
    layer = LayerInfo("sha256:" + "3" * 64, gz, "application/x", 1, 1)
    image_id = "4" * 64
    images.add(image_id, b"{}", own, "sha256:own", [layer], [])
    images.add(image_id, b"{}", other, "sha256:other", [layer], [])
    seen = images.by_digest("sha256:other")
    assert seen is not None and seen.manifest_raw == other
    assert with_stored_blobs(seen, images, Blobs()).manifest_raw == own  # zstd never stored
    first = images.by_digest("sha256:own")
    assert first is not None and with_stored_blobs(first, images, Blobs()) is first
    conn.close()


def test_a_layer_found_stored_from_another_image_is_named_by_its_stored_blob(
    tmp_path: Path,
) -> None:
    """A pull that found a layer stored plain (another image's, by diff id) kept that
    one: the image's manifest names a zstd blob never fetched. push and save send the
    stored blob under its own media type; a layer the store lacks stays as named."""
    import json

    from hutch.engine.pushconvert import with_stored_blobs
    from hutch.store import db
    from hutch.store.images import ImageStore
    from hutch.store.layers import LayerInfo

    class Blobs:
        def blob_path(self, digest: str) -> Path:
            return tmp_path / digest.replace(":", "-")

    plain, zst, gone = ("sha256:" + c * 64 for c in "125")
    (tmp_path / plain.replace(":", "-")).write_bytes(b"tar")
    conn = db.connect(tmp_path / "hutch.db")
    images = ImageStore(conn)
    layer = LayerInfo(plain, plain, mt.OCI_LAYER_TAR, 3, 3)
    missing = LayerInfo("sha256:" + "6" * 64, gone, mt.OCI_LAYER_GZIP, 7, 9)
    images.add("7" * 64, b"{}", b"{}", "sha256:first", [layer], [])
    for manifest_type, zstd_type, tar_type in (
        (mt.OCI_MANIFEST, mt.OCI_LAYER_ZSTD, mt.OCI_LAYER_TAR),
        (mt.DOCKER_MANIFEST, mt.DOCKER_LAYER_ZSTD, mt.DOCKER_LAYER_TAR),
    ):
        pulled = {
            "mediaType": manifest_type,
            "layers": [
                {"mediaType": zstd_type, "digest": zst, "size": 2},
                {"mediaType": mt.OCI_LAYER_GZIP, "digest": gone, "size": 7},
            ],
        }
        image_id = ("8" if manifest_type == mt.OCI_MANIFEST else "9") * 64
        images.add(image_id, b"{}", json.dumps(pulled).encode(), "sha256:p", [layer, missing], [])
        record = images.get(image_id)
        assert record is not None
        sent = json.loads(with_stored_blobs(record, images, Blobs()).manifest_raw)
        assert sent["layers"] == [
            {"mediaType": tar_type, "digest": plain, "size": 3},
            {"mediaType": mt.OCI_LAYER_GZIP, "digest": gone, "size": 7},
        ]
    conn.close()

"""Recording a new image: config + layers + names → manifest and database rows.

Used by import, commit, build and pull alike, so that every image is stored
the same way (an OCI manifest naming each layer's blob).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from hutch.engine.context import EngineContext
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of
from hutch.oci.image import ImageConfig
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo, LayersMissing
from hutch.util import testpoint


def store_image(
    ctx: EngineContext,
    config: ImageConfig,
    layers: Sequence[LayerInfo],
    names: Sequence[str],
    *,
    manifest_raw: bytes | None = None,
    manifest_format: str = "oci",
    annotations: Mapping[str, str] | None = None,
) -> ImageRecord:
    """Store an image whose layers are already in the layer store.

    ``manifest_raw`` keeps a pulled image's own manifest (its digest is what
    the registry knows); otherwise an OCI manifest is made for it, or a
    Docker schema 2 one with ``manifest_format="docker"`` (``build --format
    docker``). A made manifest replaces the one of an image stored before with
    the same config: the last build of an image decides its format.
    ``annotations`` go into a made manifest (``build --annotation``).
    """
    config_raw = config.to_bytes()
    if manifest_raw is not None:
        return store_image_raw(ctx, config_raw, layers, names, manifest_raw=manifest_raw)
    if manifest_format == "docker":
        made = docker_manifest(config_raw, layers, annotations)
    else:
        made = oci_manifest(config_raw, layers, annotations)
    record = store_image_raw(ctx, config_raw, layers, names, manifest_raw=made)
    if record.manifest_raw != made:
        record = ctx.images.set_manifest(record.id, made, str(sha256_of(made)))
    return record


def docker_manifest(
    config_raw: bytes, layers: Sequence[LayerInfo], annotations: Mapping[str, str] | None = None
) -> bytes:
    """A Docker image manifest v2 schema 2 for ``config_raw`` and ``layers``.

    Stored uncompressed layers are named ``rootfs.diff.tar`` here; a push
    gzips them and names them ``rootfs.diff.tar.gzip`` (``engine/pushconvert.py``).
    """
    return _manifest(
        mt.DOCKER_MANIFEST, mt.DOCKER_CONFIG, config_raw, layers, mt.OCI_TO_DOCKER, annotations
    )


def oci_manifest(
    config_raw: bytes, layers: Sequence[LayerInfo], annotations: Mapping[str, str] | None = None
) -> bytes:
    """An OCI image manifest (compact JSON, sorted keys: the bytes of every stored image)."""
    return _manifest(mt.OCI_MANIFEST, mt.OCI_CONFIG, config_raw, layers, {}, annotations)


def _manifest(
    kind: str,
    config_type: str,
    config_raw: bytes,
    layers: Sequence[LayerInfo],
    layer_types: dict[str, str],
    annotations: Mapping[str, str] | None = None,
) -> bytes:
    manifest: dict[str, object] = {
        "schemaVersion": 2,
        "mediaType": kind,
        "config": {
            "mediaType": config_type,
            "digest": str(sha256_of(config_raw)),
            "size": len(config_raw),
        },
        "layers": [
            {
                "mediaType": layer_types.get(layer.media_type, layer.media_type),
                "digest": layer.blob_digest,
                "size": layer.blob_size,
            }
            for layer in layers
        ],
    }
    if annotations:
        manifest["annotations"] = dict(annotations)
    return json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()


def store_image_raw(
    ctx: EngineContext,
    config_raw: bytes,
    layers: Sequence[LayerInfo],
    names: Sequence[str],
    *,
    manifest_raw: bytes | None = None,
) -> ImageRecord:
    """As ``store_image``, keeping the config's exact bytes (its digest is the id)."""
    if manifest_raw is None:
        manifest_raw = oci_manifest(config_raw, layers)
    image_id = sha256_of(config_raw).hex
    testpoint.pause("store-before-record")  # layers stored, no row yet (system check tests)
    # The layer lock is what rmi holds while it deletes a layer's row and
    # files: under it, a layer whose directory and blob exist stays until
    # our rows name it. A layer found gone (an rmi of another image that
    # shared it ran since we looked) is refused here, never recorded.
    with ctx.layers.lock():
        missing = tuple(layer.diff_id for layer in layers if not ctx.layers.present(layer))
        if missing:
            raise LayersMissing(missing)
        existing = ctx.images.get(image_id)
        if (
            existing is not None
            and existing.manifest_raw == manifest_raw
            and set(names) <= set(existing.names)
        ):
            return existing  # nothing to write (a fully cached build, a repeated import)
        return ctx.images.add(
            image_id,
            config_raw,
            manifest_raw,
            str(sha256_of(manifest_raw)),
            list(layers),
            list(names),
        )

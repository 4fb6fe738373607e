"""Recording a new image: config + layers + names → manifest and database rows.

Used by import, commit, build and pull alike, so that every image is stored
the same way (an OCI manifest naming each layer's blob).
"""

from __future__ import annotations

from collections.abc import Sequence

from hutch.engine.context import EngineContext
from hutch.engine.images import build_manifest
from hutch.oci.digest import sha256_of
from hutch.oci.image import ImageConfig
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo


def store_image(
    ctx: EngineContext,
    config: ImageConfig,
    layers: Sequence[LayerInfo],
    names: Sequence[str],
    *,
    manifest_raw: bytes | None = None,
) -> ImageRecord:
    """Store an image whose layers are already in the layer store.

    ``manifest_raw`` keeps a pulled image's own manifest (its digest is what
    the registry knows); otherwise an OCI manifest is made for it.
    """
    config_raw = config.to_bytes()
    return store_image_raw(ctx, config_raw, layers, names, manifest_raw=manifest_raw)


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
        manifest_raw = build_manifest(config_raw, list(layers))
    image_id = sha256_of(config_raw).hex
    return ctx.images.add(
        image_id, config_raw, manifest_raw, str(sha256_of(manifest_raw)), list(layers), list(names)
    )

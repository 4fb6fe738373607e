"""A Docker schema 2 image on its way to a registry: gzip its uncompressed layers.

Built and committed layers are stored as plain tars (their blob is the tar
``LayerStore.ingest_dir`` wrote). An OCI manifest may name such a blob, but
a Docker schema 2 manifest knows only ``rootfs.diff.tar.gzip`` for a
distributable layer, so a push of a ``build --format docker`` image
compresses each plain layer into a temp dir and sends a manifest naming the
compressed blobs; the stored image is left as it is (the pushed manifest's
digest is the one the push reports, as with podman).
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hutch.api.errors import InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.store.compression import HashingReader
from hutch.store.layers import LayerStore

_CHUNK = 1 << 20


@dataclass
class Converted:
    manifest_raw: bytes
    blobs: dict[str, Path] = field(default_factory=dict)  # digest → file outside the store


# podman's --format names: the manifest type a push sends.
FORMATS = {"oci": mt.OCI_MANIFEST, "v2s2": mt.DOCKER_MANIFEST, "docker": mt.DOCKER_MANIFEST}


def as_manifest_type(manifest_raw: bytes, fmt: str | None) -> bytes:
    """``push --format``: the image's manifest rewritten as the other type.

    The config and layer blobs are the same bytes in both (Docker's schema 2
    and OCI's image spec describe one format); only the media types change,
    so the digests the manifest names stay valid.
    """
    if fmt is None:
        return manifest_raw
    if fmt not in FORMATS:
        raise InvalidArgument(f"invalid --format {fmt!r}: use oci or v2s2")
    doc = json.loads(manifest_raw)
    want = FORMATS[fmt]
    if doc.get("mediaType") == want:
        return manifest_raw
    table = mt.OCI_TO_DOCKER if want == mt.DOCKER_MANIFEST else mt.DOCKER_TO_OCI
    doc["mediaType"] = want
    config = doc.get("config", {})
    config["mediaType"] = table.get(config.get("mediaType", ""), config.get("mediaType"))
    for entry in doc.get("layers", []):
        entry["mediaType"] = table.get(entry.get("mediaType", ""), entry.get("mediaType"))
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def gzip_plain_layers(manifest_raw: bytes, layers: LayerStore, tmp: Path) -> Converted:
    """``manifest_raw`` with each plain-tar Docker layer replaced by its gzip (in ``tmp``)."""
    doc = json.loads(manifest_raw)
    if doc.get("mediaType") != mt.DOCKER_MANIFEST:
        return Converted(manifest_raw)
    out = Converted(manifest_raw)
    changed = False
    for entry in doc.get("layers", []):
        if entry.get("mediaType") != mt.DOCKER_LAYER_TAR:
            continue
        target = tmp / f"layer-{len(out.blobs)}.gz"
        digest, size = _gzip(layers.blob_path(entry["digest"]), target)
        out.blobs[digest] = target
        entry.update(mediaType=mt.DOCKER_LAYER_GZIP, digest=digest, size=size)
        changed = True
    if changed:
        out.manifest_raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    return out


def _gzip(source: Path, target: Path) -> tuple[str, int]:
    """Compress ``source`` into ``target`` reproducibly (no name, time 0); its digest and size."""
    with (
        open(source, "rb") as src,
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        shutil.copyfileobj(src, gz, _CHUNK)
    with open(target, "rb") as f:
        reader = HashingReader(f)
        reader.drain()
    return str(reader.digest), reader.count

"""A local image on its way to a registry: its layers in the compression asked for.

Built and committed layers are stored as plain tars (their blob is the tar
``LayerStore.ingest_dir`` wrote). As podman does, a push sends plain layers
gzipped by default (``--compression-format``, gzip unless given: zstd, or
``none`` to send them plain, hutch's own) and layers stored compressed as they
are unless ``--force-compression``; a Docker schema 2 manifest can name gzip
layers only. Layers are compressed into a temp dir (a plain layer to gzip on
``push``: while it is uploaded, ``Converted.streaming``) and the pushed manifest
names the compressed blobs; the stored image is left as it is (the pushed manifest's
digest is the one the push reports, as with podman). What a plain layer
compressed to is recorded (``store/blobinfo.py``) once the registry accepted the
manifest naming it, so a second push asks the registry for that digest instead of
compressing the layer again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.config.settings import COMPRESSION_FORMATS
from hutch.oci import mediatypes as mt
from hutch.store.blobinfo import CompressedBlob
from hutch.store.compression import GzipReader, HashingReader

if TYPE_CHECKING:
    from collections.abc import Callable

    from hutch.api.images import ManifestPushOptions, PushOptions
    from hutch.config.settings import Settings
    from hutch.store.blobinfo import CompressedBlobs
    from hutch.store.images import ImageRecord, ImageStore

_CHUNK = 1 << 20


class BlobFiles(Protocol):
    """Where a layer blob named by digest is read from: the store's blobs
    (``LayerStore``), or blobs fetched from a registry into a temp dir."""

    def blob_path(self, digest: str) -> Path: ...


@dataclass(frozen=True)
class Compressed:
    """What a plain layer compressed to, to record once the registry accepted it."""

    diff_id: str
    algorithm: str
    level: int
    blob: CompressedBlob


@dataclass(frozen=True)
class Streamed:
    """A plain layer to gzip while it is uploaded: its digest is known only then."""

    diff_id: str
    path: Path
    size: int
    level: int
    recorded: CompressedBlob | None  # what an earlier push recorded (the registry lacks it)


@dataclass
class Converted:
    manifest_raw: bytes
    blobs: dict[str, Path] = field(default_factory=dict)  # digest → file outside the store
    present: dict[str, str] = field(default_factory=dict)  # digest at the destination → how
    made: dict[str, str] = field(default_factory=dict)  # compressed digest → its plain diff id
    # records to write after the push (``record``); keyed by compressed digest
    records: dict[str, Compressed] = field(default_factory=dict)
    # plain diff id → the layer, while ``manifest_raw`` still names it plain (``streamed``)
    streaming: dict[str, Streamed] = field(default_factory=dict)
    media_types: dict[str, str] = field(default_factory=dict)  # diff id → its gzip type

    def streamed(self, sent: dict[str, CompressedBlob]) -> None:
        """The streamed layers went up as ``sent`` (diff id → gzip blob): the manifest
        names them, and their records wait for ``record`` as the others' do."""
        if not self.streaming:
            return
        doc = json.loads(self.manifest_raw)
        for entry in doc.get("layers", []):
            layer = self.streaming.get(str(entry.get("digest")))
            if layer is None or layer.diff_id not in sent:
                continue  # (not sent: the registry had the plain blob, named as it is)
            blob = sent[layer.diff_id]
            entry.update(
                mediaType=self.media_types[layer.diff_id], digest=blob.digest, size=blob.size
            )
            self.made[blob.digest] = layer.diff_id
            if blob != layer.recorded:
                self.records[blob.digest] = Compressed(layer.diff_id, "gzip", layer.level, blob)
        self.streaming = {}
        self.manifest_raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def record(converted: Converted, cache: CompressedBlobs) -> None:
    """Write what the plain layers compressed to: called once the registry accepted
    the manifest naming them, so that a failed or killed push records nothing."""
    for made in converted.records.values():
        cache.put(made.diff_id, made.algorithm, made.level, made.blob)


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


def with_stored_blobs(image: ImageRecord, images: ImageStore, blobs: BlobFiles) -> ImageRecord:
    """The image as a push can send it: through the manifest it was found by when
    the store holds that manifest's layer blobs, else through its own manifest.

    An image pulled again through another manifest (``ImageStore.by_digest``) keeps
    only the layers it had: the other manifest's blobs were never stored."""
    try:
        layers = json.loads(image.manifest_raw).get("layers", [])
    except ValueError:
        return image
    if all(blobs.blob_path(str(layer.get("digest", ""))).is_file() for layer in layers):
        return image
    own = images.get(image.id)
    if own is not None and own.manifest_raw != image.manifest_raw:
        return with_stored_blobs(own, images, blobs)
    return _on_stored_layers(image, images, blobs)


def _on_stored_layers(image: ImageRecord, images: ImageStore, blobs: BlobFiles) -> ImageRecord:
    """The image with each layer whose blob the store lacks named by the blob of the
    layer the store has for its diff id (a pull that found the layer stored from
    another image, in another compression, kept that one and fetched nothing), so
    that push and save write what is there, recompressed as they would a layer
    stored so, as podman writes a layer its storage has by diff id."""
    from dataclasses import replace

    doc = json.loads(image.manifest_raw)
    docker = doc.get("mediaType") == mt.DOCKER_MANIFEST
    changed = False
    for entry, diff_id in zip(doc.get("layers", []), image.diff_ids, strict=False):
        if blobs.blob_path(str(entry.get("digest", ""))).is_file():
            continue
        known = images.layer_info(diff_id)
        if known is None or not blobs.blob_path(known.blob_digest).is_file():
            continue  # the writer names what is missing
        kind = _KIND.get(known.media_type, "none")
        media_type = _TYPE.get((mt.OCI_MANIFEST, kind), mt.OCI_LAYER_TAR)
        entry.update(
            mediaType=mt.OCI_TO_DOCKER.get(media_type, media_type) if docker else media_type,
            digest=known.blob_digest,
            size=known.blob_size,
        )
        changed = True
    if not changed:
        return image
    raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    return replace(image, manifest_raw=raw)


@dataclass(frozen=True)
class LayerCompression:
    """``push --compression-format``, ``--compression-level``, ``--force-compression``.

    ``format`` None is podman's default, gzip: plain layers are gzipped, layers
    compressed otherwise go as they are stored. ``none`` (hutch's own: podman has no
    way to push plain layers) sends plain layers as they are.
    """

    format: str | None = None  # gzip, zstd (zstd:chunked is sent as zstd), none
    level: int | None = None
    force: bool | None = None  # None: true when a format is given (podman's default)

    @classmethod
    def of(
        cls, options: PushOptions | ManifestPushOptions, settings: Settings | None = None
    ) -> LayerCompression:
        """The three flags as push and manifest push both take them, over containers.conf's
        ``[engine] compression_format`` and ``compression_level``, which are the flags'
        defaults in podman: a file's format does not force, as a flag's does."""
        force = options.force_compression
        if force is None:
            force = options.compression_format is not None
        fmt = options.compression_format
        level = options.compression_level
        if settings is not None:
            fmt = fmt or settings.compression_format or None
            if level is None and fmt != "none":
                level = settings.compression_level
        return cls(fmt, level, force)


DEFAULT_FORMAT = "gzip"  # podman-push(1): "The default is gzip"
# the compression a layer's media type names, and the type for each compression
_KIND = {
    **{t: "none" for t in mt.LAYER_TAR_TYPES},
    **{t: "gzip" for t in mt.LAYER_GZIP_TYPES},
    **{t: "zstd" for t in mt.LAYER_ZSTD_TYPES},
}
_TYPE = {
    (mt.OCI_MANIFEST, "none"): mt.OCI_LAYER_TAR,
    (mt.OCI_MANIFEST, "gzip"): mt.OCI_LAYER_GZIP,
    (mt.OCI_MANIFEST, "zstd"): mt.OCI_LAYER_ZSTD,
    (mt.DOCKER_MANIFEST, "gzip"): mt.DOCKER_LAYER_GZIP,
}
# lowest, highest, default: podman-push(1)'s ranges ("for zstd ... 1-20 ..., while for
# gzip it is 1-9"); gzip's default stays zlib's 6 (the man page says 5: the records
# of what layers compressed to are keyed by level, see store/blobinfo.py)
_LEVELS = {"gzip": (1, 9, 6), "zstd": (1, 20, 3)}


def check_compression(compression: LayerCompression, manifest_type: str | None) -> str:
    """The compression to send plain layers in (gzip, zstd, none); a bad value is refused."""
    fmt = compression.format or DEFAULT_FORMAT
    if fmt not in COMPRESSION_FORMATS:
        raise InvalidArgument(
            f"invalid --compression-format {fmt!r}: use {', '.join(COMPRESSION_FORMATS)}"
        )
    kind = "zstd" if fmt.startswith("zstd") else fmt
    if kind != "gzip" and manifest_type == mt.DOCKER_MANIFEST:
        raise InvalidArgument(
            f"a Docker schema 2 manifest cannot name {'plain' if kind == 'none' else kind} "
            "layers: push with --format oci"
        )
    if kind == "none":
        if compression.level is not None:
            raise InvalidArgument("--compression-level does not apply to --compression-format none")
        return kind
    low, high, _ = _LEVELS[kind]
    if compression.level is not None and not low <= compression.level <= high:
        raise InvalidArgument(
            f"invalid --compression-level {compression.level} for {kind}: {low} to {high}"
        )
    return kind


def layer_target(current: str, target: str, force: bool) -> str:
    """The compression a layer stored as ``current`` is sent in: a plain layer always
    in ``target``, a compressed one as it is unless ``force`` (podman's rule)."""
    if current == "none" or force:
        return target
    return current


@dataclass(frozen=True)
class Reuse:
    """What lets a push skip compressing a plain layer again: the store's record of
    what it compressed to (``store/blobinfo.py``), and whether the destination has
    a blob (a HEAD request, or a mount from where it was pushed before)."""

    cache: CompressedBlobs
    at_destination: Callable[[str], str | None]  # how it is there (progress's words), or None


def convert_layers(
    manifest_raw: bytes,
    layers: BlobFiles,
    tmp: Path,
    compression: LayerCompression,
    reuse: Reuse | None = None,
    stream: bool = False,
) -> Converted:
    """``manifest_raw`` with the layers ``compression`` asks for recompressed into ``tmp``.

    The diff ids (the uncompressed tars) stay, so the config and the image id do
    too; only the pushed manifest names other blobs. A plain layer whose recorded
    compression the destination already has is named by that digest, unmade
    (``Converted.present``). With ``stream``, a plain layer to gzip is not made
    here: it is left in ``Converted.streaming`` for the push to gzip as it
    uploads it, and ``Converted.streamed`` names it then.
    """
    doc = json.loads(manifest_raw)
    # OCI's mediaType is optional (Docker's schema 2 always has it): absent, it is OCI
    manifest_type = doc.get("mediaType") or mt.OCI_MANIFEST
    target = check_compression(compression, manifest_type)
    force = compression.force if compression.force is not None else compression.format is not None
    out = Converted(manifest_raw)
    for entry in doc.get("layers", []):
        media_type = entry.get("mediaType", "")
        current = _KIND.get(media_type)
        if current is None or media_type in mt.NONDISTRIBUTABLE_LAYER_TYPES:
            continue  # not a layer we know how to rewrite: sent as it is
        want = layer_target(current, target, force)
        if want == current:
            continue
        level = (
            compression.level if compression.level is not None else _LEVELS.get(want, (0,) * 3)[2]
        )
        source = str(entry["digest"])
        cached = reuse.cache.get(source, want, level) if reuse and current == "none" else None
        found = reuse.at_destination(cached.digest) if reuse and cached else None
        if cached is not None and found is not None:
            out.present[cached.digest] = found
            out.made[cached.digest] = source
            entry.update(
                mediaType=_TYPE[(manifest_type, want)], digest=cached.digest, size=cached.size
            )
            continue
        if stream and current == "none" and want == "gzip":
            path = layers.blob_path(source)
            size = path.stat().st_size if path.is_file() else 0
            out.streaming[source] = Streamed(source, path, size, level, cached)
            out.media_types[source] = _TYPE[(manifest_type, want)]
            continue
        path = tmp / f"layer-{len(out.blobs)}.{want}"
        digest, size = _recompress(layers.blob_path(source), path, want, level)
        if reuse is not None and current == "none":
            out.made[digest] = source
            if cached != CompressedBlob(digest, size):
                made = Compressed(source, want, level, CompressedBlob(digest, size))
                out.records[digest] = made
        out.blobs[digest] = path
        entry.update(mediaType=_TYPE[(manifest_type, want)], digest=digest, size=size)
    if out.blobs or out.present:
        out.manifest_raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    return out


def gzip_file(source: Path, target: Path, level: int) -> tuple[str, int]:
    """A plain layer gzipped into ``target`` (the same bytes a streamed push sends);
    its digest and size."""
    return _recompress(source, target, "gzip", level)


def _recompress(source: Path, target: Path, kind: str, level: int) -> tuple[str, int]:
    """``source`` (any compression) as ``kind`` in ``target``; its digest and size."""
    from hutch.store.compression import open_decompressed

    with open(source, "rb") as src, open_decompressed(src) as plain, open(target, "wb") as raw:
        if kind == "none":
            shutil.copyfileobj(plain, raw, _CHUNK)
        elif kind == "gzip":
            # reproducible (no name, time 0, fixed blocks, the level in the key): the
            # digest store/blobinfo.py recorded is what the same layer gives again,
            # into a file or streamed (engine/pushstream.py)
            with GzipReader(plain, level) as gz:
                shutil.copyfileobj(gz, raw, _CHUNK)
        else:
            _zstd(plain, raw, level)
    with open(target, "rb") as f:
        reader = HashingReader(f)
        reader.drain()
    return str(reader.digest), reader.count


def _zstd(plain: BinaryIO, raw: BinaryIO, level: int) -> None:
    """Compress through Debian's zstd (the standard library has none before 3.14)."""
    zstd = shutil.which("zstd")
    if zstd is None:
        raise HostNotReady(
            "--compression-format zstd needs the zstd command",
            hint="install it (Debian: apt-get install zstd)",
        )
    ultra = ["--ultra"] if level > 19 else []  # the command's levels past 19 need it
    proc = subprocess.Popen(
        [zstd, "-q", "-c", *ultra, f"-{level}"],
        stdin=subprocess.PIPE,
        stdout=raw,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stderr is not None
    try:
        shutil.copyfileobj(plain, proc.stdin, _CHUNK)
    finally:
        proc.stdin.close()
    said = proc.stderr.read().decode(errors="replace").strip()
    if proc.wait() != 0:
        raise InvalidArgument(f"zstd failed: {said or f'exit {proc.returncode}'}")

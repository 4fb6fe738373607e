"""``hutch manifest push``: a local manifest list (and, with ``--all``, its images)
to a registry.

Each entry's manifest is written by digest after its blobs, and the index last,
under the destination's tag: a registry never holds an index whose entries are
missing, and an interrupted push leaves at most unreferenced blobs and manifests.
An entry is pushed from local storage when an image there has its digest (its
manifest bytes exactly, so the digest in the index holds), else copied from the
registry it was added from.

A local entry's plain layers are gzipped as ``push`` sends them (or compressed as
``--compression-format`` says), which rewrites its manifest and digest: the
index pushed names the entries as they were written, as podman's does. An entry
copied from a registry is copied as it is, unless ``--compression-format`` is
given: then it is fetched (verified) and recompressed too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.images import ManifestPushOptions, RegistryAccess
from hutch.engine.context import EngineContext
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, sha256_of
from hutch.oci.manifest import Descriptor, ImageIndex, ImageManifest, parse_manifest
from hutch.oci.manifest_list import as_format, parse_index
from hutch.oci.reference import Reference, parse_reference

if TYPE_CHECKING:
    from hutch.engine.distribution import Distribution
    from hutch.engine.manifests import Manifests
    from hutch.engine.pushconvert import LayerCompression
    from hutch.registry.client import RegistryClient
    from hutch.registry.progress import Progress
    from hutch.store.images import ImageRecord


def push_list(
    ctx: EngineContext, dist: Distribution, manifests: Manifests, options: ManifestPushOptions
) -> str:
    """Push the list; the digest of the index as the registry stores it."""
    from hutch.engine.pushconvert import LayerCompression, check_compression

    record = manifests.find_list(options.list)
    stored = parse_index(record.manifest_raw)
    index = as_format(stored, options.format)  # a bad --format fails before any upload
    compression = LayerCompression.of(options, ctx.settings)
    kind = check_compression(compression, None)  # so do bad compression flags
    if kind != "gzip" and options.all:
        _refuse_docker_entries(index, kind)
    ref = _destination(options.destination or options.list)
    client = dist.client(ref.registry, options.access)
    progress = dist.progress(options.quiet)
    if options.all:
        work = _Work(dist, client, ref, progress, compression, ctx.layers.new_tmp())
        index = _push_entries(ctx, work, record.id, index, options.access)
    raw = record.manifest_raw if index == stored else index.to_bytes()
    progress.line("Writing manifest list to image destination")
    client.put_manifest(ref.repository, ref.tag or "latest", raw, index.media_type)
    progress.line("Storing list signatures")
    digest = str(sha256_of(raw))
    if options.digestfile:
        with open(options.digestfile, "w") as out:
            out.write(digest)
    if options.rm:
        manifests.rm([record.id])
    return digest


def _refuse_docker_entries(index: ImageIndex, kind: str) -> None:
    """Before any upload: zstd or plain layers cannot be named by a Docker schema 2 entry."""
    layers = "plain" if kind == "none" else kind
    for entry in index.manifests:
        if entry.media_type == mt.DOCKER_MANIFEST:
            raise InvalidArgument(
                f"instance {entry.digest} is a Docker schema 2 manifest, which cannot name "
                f"{layers} layers: use --compression-format gzip, or build it with --format oci"
            )


def _push_entries(
    ctx: EngineContext, work: _Work, list_id: str, index: ImageIndex, access: RegistryAccess
) -> ImageIndex:
    """Each entry's image, then the index naming them as they were written; ``work.tmp``
    (in the store: recompressed layers can be large) is removed after."""
    from hutch.store.layers import remove_tree

    count = len(index.manifests)
    progress = work.progress
    pushed: list[Descriptor] = []
    try:
        sources = ctx.images.list_sources(list_id)
        # podman's lines, around each image's own (as push prints them)
        progress.line("Getting image list signatures")
        progress.line(f"Copying {count} of {count} images in list")
        for n, entry in enumerate(index.manifests, 1):
            progress.line(f"Copying image {entry.digest} ({n}/{count})")
            progress.line("Getting image source signatures")
            one = replace(work, tmp=work.tmp / str(n))
            one.tmp.mkdir()
            raw = _push_entry(ctx, one, entry, sources.get(str(entry.digest)), access)
            digest = sha256_of(raw)
            pushed.append(
                entry if digest == entry.digest else replace(entry, digest=digest, size=len(raw))
            )
            progress.line("Writing manifest to image destination")
            progress.line("Storing signatures")
    finally:
        remove_tree(work.tmp)
    return replace(index, manifests=tuple(pushed))


def _destination(text: str) -> Reference:
    if text.startswith("docker://"):
        text = text.removeprefix("docker://")
    elif ":" in text.split("/", 1)[0] and text.split(":", 1)[0] in (
        "oci",
        "oci-archive",
        "docker-archive",
        "dir",
        "containers-storage",
    ):
        raise InvalidArgument(f"{text}: manifest lists are pushed to registries (docker://) only")
    ref = parse_reference(text)
    if ref.digest is not None:
        raise InvalidArgument(f"{text}: cannot push to a digest reference")
    return ref


@dataclass(frozen=True)
class _Work:
    """What pushing one entry needs: where to, how, and its scratch directory."""

    dist: Distribution
    client: RegistryClient
    ref: Reference
    progress: Progress
    compression: LayerCompression
    tmp: Path


def _push_entry(
    ctx: EngineContext,
    work: _Work,
    entry: Descriptor,
    source: str | None,
    access: RegistryAccess,
) -> bytes:
    """Push one entry's image; the manifest bytes written (its digest names it)."""
    from hutch.engine.pushconvert import with_stored_blobs

    local = ctx.images.by_digest(str(entry.digest))
    if local is not None and sha256_of(local.manifest_raw) == entry.digest:
        sendable = with_stored_blobs(local, ctx.images, ctx.layers)
        # the entry's own manifest when its blobs are here, or when there is nowhere
        # else to copy it from (then the image's own manifest, and the index follows)
        if sendable is local or source is None:
            return _push_local(ctx, work, sendable)
    if source is None:
        raise NoSuchObject(
            f"instance {entry.digest} of the list is not in local storage and was not "
            "added from a registry: add it again, or push with --all=false"
        )
    return _copy_remote(work, entry.digest, source, access)


def _push_local(ctx: EngineContext, work: _Work, image: ImageRecord) -> bytes:
    from hutch.engine.pushconvert import convert_layers

    repository = work.ref.repository
    # plain layers gzipped (or as --compression-format says), as push sends them
    reuse = work.dist.reuse(work.client, work.ref)
    converted = convert_layers(image.manifest_raw, ctx.layers, work.tmp, work.compression, reuse)
    manifest = parse_manifest(converted.manifest_raw)
    if not isinstance(manifest, ImageManifest):
        raise InvalidArgument(f"image {image.id[:12]}: a list inside a list is not supported")
    for layer in manifest.layers:
        found = converted.present.get(str(layer.digest))  # asked while converting
        if found is not None:
            work.progress.skipped("blob", str(layer.digest), found)
            continue
        path = converted.blobs.get(str(layer.digest))
        work.dist.push_blob(work.client, repository, layer, "blob", work.progress, (), path)
    work.dist.push_bytes(
        work.client, repository, manifest.config.digest, image.config_raw, work.progress
    )
    raw = converted.manifest_raw
    work.client.put_manifest(repository, str(sha256_of(raw)), raw, manifest.media_type)
    work.dist.remember(converted, work.ref)
    return raw


@dataclass(frozen=True)
class _Fetched:
    """Blobs fetched from the source registry into files, found by digest (the
    ``BlobFiles`` that ``convert_layers`` reads)."""

    files: dict[str, Path]

    def blob_path(self, digest: str) -> Path:
        return self.files[digest]


def _copy_remote(work: _Work, digest: Digest, source: str, access: RegistryAccess) -> bytes:
    """Copy an entry added from a registry: its blobs (mounted when on the same
    registry), then its manifest, by digest. With --compression-format its layers
    are fetched and recompressed, and its manifest written anew (not for a format
    containers.conf gives: as podman, that one does not force)."""
    from hutch.engine.pushconvert import convert_layers
    from hutch.registry.challenge import repository_scope

    src = parse_reference(source.removeprefix("docker://"))
    # The destination's credentials are not the source's: only the TLS settings carry over.
    src_access = RegistryAccess(access.tls_verify, None, access.authfile, access.cert_dir)
    client, ref = work.client, work.ref
    src_client = (
        client if src.registry == ref.registry else work.dist.client(src.registry, src_access)
    )
    fetched = src_client.get_manifest(src.repository, str(digest))
    from hutch.registry.client import verify

    verify(fetched.data, digest, f"manifest {digest} of {src.name}")
    doc = parse_manifest(fetched.data, fetched.media_type)
    if isinstance(doc, ImageIndex):
        raise InvalidArgument(f"{source}: a list inside a list is not supported")
    raw = fetched.data
    if work.compression.force:
        files = {
            str(layer.digest): _fetch(src_client, src.repository, layer, work.tmp / f"in-{i}")
            for i, layer in enumerate(doc.layers)
        }
        converted = convert_layers(raw, _Fetched(files), work.tmp, work.compression)
        raw = converted.manifest_raw
        doc = parse_manifest(raw)
        assert isinstance(doc, ImageManifest)
        for layer in doc.layers:
            path = converted.blobs.get(str(layer.digest)) or files[str(layer.digest)]
            work.dist.push_blob(client, ref.repository, layer, "blob", work.progress, (), path)
        blobs: Sequence[tuple[str, Descriptor]] = (("config", doc.config),)
    else:
        blobs = (*(("blob", layer) for layer in doc.layers), ("config", doc.config))
    scopes = [repository_scope(ref.repository, ["pull", "push"])]
    for kind, blob in blobs:
        if client.blob_exists(ref.repository, blob.digest, scopes):
            work.progress.skipped(kind, str(blob.digest), "skipped: already exists")
            continue
        location = None
        if src_client is client and src.repository != ref.repository:
            location = client.mount_blob(ref.repository, blob.digest, src.repository)
            if location is None:
                why = f"skipped: mounted from {src.repository}"
                work.progress.skipped(kind, str(blob.digest), why)
                continue
        path = _fetch(src_client, src.repository, blob, work.tmp / f"relay-{kind}")
        _upload(client, ref.repository, kind, blob, location, path, work.progress)
        path.unlink()
    client.put_manifest(ref.repository, str(sha256_of(raw)), raw, doc.media_type)
    return raw


def _fetch(src_client: RegistryClient, repository: str, blob: Descriptor, path: Path) -> Path:
    """Download a blob to ``path``, verified against its digest."""
    import hashlib

    resp = src_client.get_blob(repository, blob.digest)
    hasher = hashlib.sha256()
    try:
        with open(path, "wb") as out:
            while chunk := resp.read(1 << 20):
                hasher.update(chunk)
                out.write(chunk)
    finally:
        resp.release_conn()
    if f"sha256:{hasher.hexdigest()}" != str(blob.digest):
        raise InvalidArgument(f"blob {blob.digest} from {repository}: digest mismatch")
    return path


def _upload(
    client: RegistryClient,
    repository: str,
    kind: str,
    blob: Descriptor,
    location: str | None,
    path: Path,
    progress: Progress,
) -> None:
    size = path.stat().st_size
    bar = progress.start(kind, str(blob.digest), size)

    def opener() -> BinaryIO:
        return open(path, "rb")

    client.upload_blob(
        repository,
        location or client.start_upload(repository),
        blob.digest,
        size,
        opener,
        progress=lambda n: progress.advance(bar, n),
    )
    progress.finish(bar)

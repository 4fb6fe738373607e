"""``hutch manifest push``: a local manifest list (and, with ``--all``, its images)
to a registry.

Each entry's manifest is written by digest after its blobs, and the index last,
under the destination's tag: a registry never holds an index whose entries are
missing, and an interrupted push leaves at most unreferenced blobs and manifests.
An entry is pushed from local storage when an image there has its digest (its
manifest bytes exactly, so the digest in the index holds), else copied from the
registry it was added from.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.images import ManifestPushOptions, RegistryAccess
from hutch.engine.context import EngineContext
from hutch.oci.digest import Digest, sha256_of
from hutch.oci.manifest import Descriptor, ImageIndex, ImageManifest, parse_manifest
from hutch.oci.manifest_list import as_format, parse_index
from hutch.oci.reference import Reference, parse_reference

if TYPE_CHECKING:
    from hutch.engine.distribution import Distribution
    from hutch.engine.manifests import Manifests
    from hutch.registry.client import RegistryClient
    from hutch.registry.progress import Progress
    from hutch.store.images import ImageRecord


def push_list(
    ctx: EngineContext, dist: Distribution, manifests: Manifests, options: ManifestPushOptions
) -> str:
    """Push the list; the digest of the index as the registry stores it."""
    record = manifests.find_list(options.list)
    stored = parse_index(record.manifest_raw)
    index = as_format(stored, options.format)  # a bad --format fails before any upload
    ref = _destination(options.destination or options.list)
    client = dist.client(ref.registry, options.access)
    progress = dist.progress(options.quiet)
    if options.all:
        sources = ctx.images.list_sources(record.id)
        count = len(index.manifests)
        # podman's lines, around each image's own (as push prints them)
        progress.line("Getting image list signatures")
        progress.line(f"Copying {count} of {count} images in list")
        for n, entry in enumerate(index.manifests, 1):
            progress.line(f"Copying image {entry.digest} ({n}/{count})")
            progress.line("Getting image source signatures")
            source = sources.get(str(entry.digest))
            _push_entry(ctx, dist, client, ref, entry, source, progress, options.access)
            progress.line("Writing manifest to image destination")
            progress.line("Storing signatures")
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


def _push_entry(
    ctx: EngineContext,
    dist: Distribution,
    client: RegistryClient,
    ref: Reference,
    entry: Descriptor,
    source: str | None,
    progress: Progress,
    access: RegistryAccess,
) -> None:
    local = ctx.images.by_digest(str(entry.digest))
    if local is not None and sha256_of(local.manifest_raw) == entry.digest:
        _push_local(dist, client, ref, local, progress)
        return
    if source is None:
        raise NoSuchObject(
            f"instance {entry.digest} of the list is not in local storage and was not "
            "added from a registry: add it again, or push with --all=false"
        )
    _copy_remote(dist, client, ref, entry.digest, source, progress, access)


def _push_local(
    dist: Distribution,
    client: RegistryClient,
    ref: Reference,
    image: ImageRecord,
    progress: Progress,
) -> None:
    manifest = parse_manifest(image.manifest_raw)
    if not isinstance(manifest, ImageManifest):
        raise InvalidArgument(f"image {image.id[:12]}: a list inside a list is not supported")
    for layer in manifest.layers:
        dist.push_blob(client, ref.repository, layer, "blob", progress, ())
    dist.push_bytes(client, ref.repository, manifest.config.digest, image.config_raw, progress)
    digest = sha256_of(image.manifest_raw)
    client.put_manifest(ref.repository, str(digest), image.manifest_raw, manifest.media_type)


def _copy_remote(
    dist: Distribution,
    client: RegistryClient,
    ref: Reference,
    digest: Digest,
    source: str,
    progress: Progress,
    access: RegistryAccess,
) -> None:
    """Copy an entry added from a registry: its blobs (mounted when on the same
    registry), then its manifest, by digest."""
    from hutch.registry.challenge import repository_scope
    from hutch.registry.client import verify

    src = parse_reference(source.removeprefix("docker://"))
    # The destination's credentials are not the source's: only the TLS settings carry over.
    src_access = RegistryAccess(access.tls_verify, None, access.authfile, access.cert_dir)
    src_client = client if src.registry == ref.registry else dist.client(src.registry, src_access)
    fetched = src_client.get_manifest(src.repository, str(digest))
    verify(fetched.data, digest, f"manifest {digest} of {src.name}")
    doc = parse_manifest(fetched.data, fetched.media_type)
    if isinstance(doc, ImageIndex):
        raise InvalidArgument(f"{source}: a list inside a list is not supported")
    scopes = [repository_scope(ref.repository, ["pull", "push"])]
    blobs: Sequence[tuple[str, Descriptor]] = (
        *(("blob", layer) for layer in doc.layers),
        ("config", doc.config),
    )
    for kind, blob in blobs:
        if client.blob_exists(ref.repository, blob.digest, scopes):
            progress.skipped(kind, str(blob.digest), "skipped: already exists")
            continue
        location = None
        if src_client is client and src.repository != ref.repository:
            location = client.mount_blob(ref.repository, blob.digest, src.repository)
            if location is None:
                progress.skipped(kind, str(blob.digest), f"skipped: mounted from {src.repository}")
                continue
        _relay_blob(
            src_client, src.repository, client, ref.repository, kind, blob, location, progress
        )
    client.put_manifest(ref.repository, str(digest), fetched.data, doc.media_type)


def _relay_blob(
    src_client: RegistryClient,
    src_repository: str,
    client: RegistryClient,
    repository: str,
    kind: str,
    blob: Descriptor,
    location: str | None,
    progress: Progress,
) -> None:
    """Download a blob to a temporary file (verified against its digest), then upload it."""
    import hashlib

    with tempfile.TemporaryDirectory(prefix="hutch-manifest-") as tmpdir:
        path = Path(tmpdir) / "blob"
        resp = src_client.get_blob(src_repository, blob.digest)
        hasher = hashlib.sha256()
        try:
            with open(path, "wb") as out:
                while chunk := resp.read(1 << 20):
                    hasher.update(chunk)
                    out.write(chunk)
        finally:
            resp.release_conn()
        if f"sha256:{hasher.hexdigest()}" != str(blob.digest):
            raise InvalidArgument(f"blob {blob.digest} from {src_repository}: digest mismatch")
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

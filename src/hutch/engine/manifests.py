"""``hutch manifest``: manifest lists kept in the image store, edited and pushed.

A list is an image row whose manifest is the index (``store/images.py``
``add_list``). Every edit reads and writes the list in one write transaction
(``ImageStore.edit_list``); what an edit needs from a registry is fetched
before that transaction, so an interrupted command leaves the list as it was.
Entries come from local images (the image's own manifest, its platform from
its config) or from a registry (``docker://``; the entry's source is kept so
that ``push --all`` can copy it from there).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.api.images import (
    ManifestAddOptions,
    ManifestAnnotateOptions,
    ManifestCreateOptions,
    ManifestPlatform,
    RegistryAccess,
    RemoveReport,
)
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image, list_instance
from hutch.oci.digest import sha256_of
from hutch.oci.manifest import Descriptor, ImageIndex, ImageManifest, parse_manifest
from hutch.oci.manifest_list import (
    Annotate,
    annotate_instance,
    annotated,
    empty_index,
    instance_digest,
    parse_annotations,
    parse_index,
    settle,
    with_instance,
    without_instance,
)
from hutch.oci.platform import Platform, choose_platform, host_platform, normalize

if TYPE_CHECKING:
    from hutch.engine.distribution import Distribution
    from hutch.store.images import ImageRecord

DOCKER = "docker://"
LOCAL = "containers-storage:"


@dataclass(frozen=True)
class Entry:
    """One entry to add: its descriptor and, for a registry's image, where it is."""

    descriptor: Descriptor
    source: str | None = None  # docker://REGISTRY/REPO@DIGEST


def not_a_list(name: str) -> InvalidArgument:
    return InvalidArgument(f"{name}: image is not a manifest list")


def _change(platform: ManifestPlatform) -> Annotate:
    return Annotate(
        arch=platform.arch,
        os=platform.os,
        variant=platform.variant,
        os_version=platform.os_version,
        os_features=platform.os_features,
        features=platform.features,
        annotations=parse_annotations(platform.annotations),
    )


def local_descriptor(image: ImageRecord) -> Descriptor:
    """The entry a stored image makes: its manifest, its config's platform."""
    doc = parse_manifest(image.manifest_raw)
    config = image.config
    host = host_platform()
    platform = Platform(
        os=config.os or host.os,
        architecture=config.architecture or host.architecture,
        variant=config.variant or None,
    )
    return Descriptor(
        media_type=doc.media_type,
        digest=sha256_of(image.manifest_raw),
        size=len(image.manifest_raw),
        platform=platform,
    )


class Manifests:
    def __init__(self, ctx: EngineContext, dist: Distribution) -> None:
        self._ctx = ctx
        self._dist = dist

    # ------------------------------------------------------------ lookups

    def find_list(self, name: str) -> ImageRecord:
        record = find_image(self._ctx.images, name, lists=True)
        if not record.is_list:
            # podman names the image by its full name, not as it was asked for
            raise not_a_list(record.names[0] if record.names else name)
        return record

    def exists(self, name: str) -> bool:
        try:
            self.find_list(name)
        except NoSuchObject:
            return False
        return True

    # ------------------------------------------------------------ edits

    def create(self, options: ManifestCreateOptions) -> str:
        from hutch.engine.image_tools import local_name

        name = local_name(options.name)
        annotations = parse_annotations(options.annotations)
        existing: ImageRecord | None = None
        if options.amend:
            try:
                existing = self.find_list(name)
            except NoSuchObject:
                existing = None
        # Entries first (registry fetches included), then one transaction writes.
        entries = [
            e for image in options.images for e in self.entries(image, options.all, options.access)
        ]
        if existing is None:
            index = empty_index(annotations)
            sources: dict[str, str] = {}
            for entry in entries:
                index = with_instance(index, entry.descriptor)
                if entry.source:
                    sources[str(entry.descriptor.digest)] = entry.source
            raw = index.to_bytes()
            list_id = secrets.token_hex(32)
            return self._ctx.images.add_list(list_id, raw, str(sha256_of(raw)), name, sources).id
        return self._edit(existing.id, entries, annotations).id

    def add_image(self, list_name: str, image_id: str) -> str:
        """``build --manifest``: add a stored image to the list, created when missing."""
        try:
            record = self.find_list(list_name)
        except NoSuchObject:
            return self.create(ManifestCreateOptions(list_name, (image_id,)))
        return self._edit(record.id, self.entries(image_id, False, RegistryAccess())).id

    def add(self, options: ManifestAddOptions) -> str:
        record = self.find_list(options.list)
        change = _change(options.platform)
        entries = [
            replace(e, descriptor=annotated(e.descriptor, change))
            for e in self.entries(options.image, options.all, options.access, options.platform)
        ]
        return self._edit(record.id, entries).id

    def remove(self, list_name: str, digest: str) -> str:
        try:
            record = self.find_list(list_name)
            wanted = instance_digest(digest)

            def edit(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
                index = without_instance(parse_index(raw), wanted)
                sources.pop(str(wanted), None)
                return index.to_bytes(), sources

            return self._ctx.images.edit_list(record.id, edit).id
        except HutchError as exc:
            raise type(exc)(f"removing from manifest list {list_name}: {exc}") from None

    def annotate(self, options: ManifestAnnotateOptions) -> str:
        record = self.find_list(options.list)
        change = _change(options.platform)
        if options.index:
            annotations = change.annotations

            def edit_index(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
                index = parse_index(raw)
                merged = dict(index.annotations)
                merged.update(annotations)
                return settle(replace(index, annotations=tuple(merged.items()))).to_bytes(), sources

            return self._ctx.images.edit_list(record.id, edit_index).id
        if options.digest is None:
            raise InvalidArgument("annotate: give the digest of an entry, or --index")
        wanted = instance_digest(options.digest)

        def edit(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
            return annotate_instance(parse_index(raw), wanted, change).to_bytes(), sources

        return self._ctx.images.edit_list(record.id, edit).id

    def rm(self, names: Sequence[str]) -> list[RemoveReport]:
        reports = []
        for name in names:
            try:
                record = self.find_list(name)
            except NoSuchObject as exc:
                reports.append(RemoveReport(name, error=str(exc), exit_code=1))
                continue
            except HutchError as exc:
                reports.append(RemoveReport(name, error=str(exc), exit_code=exc.exit_code))
                continue
            with self._ctx.layers.lock():
                self._ctx.images.remove(record.id)  # a list holds no layers
            reports.append(RemoveReport(name, untagged=record.names, deleted=(record.id,)))
        return reports

    def _edit(
        self, list_id: str, entries: Sequence[Entry], annotations: tuple[tuple[str, str], ...] = ()
    ) -> ImageRecord:
        def edit(raw: bytes, sources: dict[str, str]) -> tuple[bytes, dict[str, str]]:
            index = parse_index(raw)
            if annotations:
                merged = dict(index.annotations)
                merged.update(annotations)
                index = replace(index, annotations=tuple(merged.items()))
            for entry in entries:
                index = with_instance(index, entry.descriptor)
                if entry.source:
                    sources[str(entry.descriptor.digest)] = entry.source
                else:
                    sources.pop(str(entry.descriptor.digest), None)
            return settle(index).to_bytes(), sources

        return self._ctx.images.edit_list(list_id, edit)

    # ------------------------------------------------------------ entries

    def entries(
        self,
        image: str,
        all_: bool,
        access: RegistryAccess,
        platform: ManifestPlatform | None = None,
    ) -> list[Entry]:
        """What adding ``image`` adds: a local image (or list), else a registry's."""
        if image.startswith(DOCKER):
            return self._remote(image.removeprefix(DOCKER), all_, access, platform)
        local = self._local(image.removeprefix(LOCAL), all_)
        if local is not None:
            return local
        if image.startswith(LOCAL):
            raise NoSuchObject(f"{image.removeprefix(LOCAL)}: image not known")
        return self._remote(image, all_, access, platform)

    def _local(self, text: str, all_: bool) -> list[Entry] | None:
        try:
            record = find_image(self._ctx.images, text, lists=True)
        except (NoSuchObject, InvalidArgument):
            return None
        if not record.is_list:
            return [Entry(local_descriptor(record))]
        if not all_:
            return [Entry(local_descriptor(list_instance(self._ctx.images, record)))]
        sources = self._ctx.images.list_sources(record.id)
        return [
            Entry(d, sources.get(str(d.digest))) for d in parse_index(record.manifest_raw).manifests
        ]

    def _remote(
        self,
        text: str,
        all_: bool,
        access: RegistryAccess,
        platform: ManifestPlatform | None,
    ) -> list[Entry]:
        from hutch.registry.errors import ManifestUnknown
        from hutch.registry.registries_conf import resolve_short_name

        ref = resolve_short_name(text, self._dist.conf)[0]
        client = self._dist.client(ref.registry, access)
        try:
            raw, digest, doc = self._dist.resolve_manifest(client, ref, None)
        except ManifestUnknown as exc:  # podman's words: the step, then the registry's
            raise ManifestUnknown(
                f'setting up to read manifest and configuration from "docker://{ref}": {exc}'
            ) from None
        source = f"{DOCKER}{ref.name}@"
        if isinstance(doc, ImageIndex):
            if all_:
                return [Entry(d, source + str(d.digest)) for d in doc.manifests]
            want = _wanted(platform)
            entry = doc.manifests[choose_platform([d.platform for d in doc.manifests], want)]
            return [Entry(entry, source + str(entry.digest))]
        assert isinstance(doc, ImageManifest)
        from hutch.oci.image import ImageConfig
        from hutch.registry.client import verify

        config_raw = client.get_small_blob(ref.repository, doc.config.digest)
        verify(config_raw, doc.config.digest, f"config of {ref}")
        config = ImageConfig.from_bytes(config_raw)
        desc = Descriptor(
            media_type=doc.media_type,
            digest=digest,
            size=len(raw),
            platform=Platform(
                os=config.os, architecture=config.architecture, variant=config.variant or None
            ),
        )
        return [Entry(desc, source + str(digest))]


def _wanted(platform: ManifestPlatform | None) -> Platform:
    """The entry of a registry's index that ``add`` without ``--all`` takes."""
    host = host_platform()
    if platform is None or not (platform.arch or platform.os or platform.variant):
        return host
    return normalize(
        Platform(
            os=platform.os or host.os,
            architecture=platform.arch or host.architecture,
            variant=platform.variant or (None if platform.arch else host.variant),
        )
    )

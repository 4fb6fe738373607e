"""Manifest lists kept locally (``hutch manifest``): the image index as it is edited.

A local list is an ``ImageIndex`` whose entries point at image manifests (held
in the store or at a registry). The functions here are the edits ``manifest
add/remove/annotate`` make, and the one rule that picks the document's media
type when it is written, so that the store, ``inspect`` and ``push`` agree.

The media type follows current podman (the ``manifests`` package of
containers/common): anything only the OCI index can say (annotations, an
artifact type, a subject, urls) makes it an OCI image index; else anything only
a Docker list can say (an entry's ``platform.features``) a Docker manifest
list; else an empty list is a Docker manifest list and any other an OCI image
index. ``push --format`` converts to either.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, parse_digest
from hutch.oci.manifest import Annotations, Descriptor, ImageIndex, parse_manifest
from hutch.oci.platform import Platform

# What push --format takes, and the index media type each one means.
LIST_FORMATS = {"oci": mt.OCI_INDEX, "v2s2": mt.DOCKER_MANIFEST_LIST}


def empty_index(annotations: Annotations = ()) -> ImageIndex:
    return settle(
        ImageIndex(manifests=(), media_type=mt.DOCKER_MANIFEST_LIST, annotations=annotations)
    )


def parse_index(raw: bytes) -> ImageIndex:
    """The stored list; anything else is not a manifest list."""
    doc = parse_manifest(raw)
    if not isinstance(doc, ImageIndex):
        raise InvalidArgument("image is not a manifest list")
    return doc


def settle(index: ImageIndex) -> ImageIndex:
    """The index with the media type its content calls for (the module's rule)."""
    oci_only = bool(index.annotations) or index.artifact_type is not None
    oci_only = oci_only or index.subject is not None
    oci_only = oci_only or any(d.annotations or d.artifact_type or d.urls for d in index.manifests)
    docker_only = any(d.platform is not None and d.platform.features for d in index.manifests)
    if oci_only or (index.manifests and not docker_only):
        return replace(index, media_type=mt.OCI_INDEX)
    return replace(index, media_type=mt.DOCKER_MANIFEST_LIST)


def as_format(index: ImageIndex, fmt: str | None) -> ImageIndex:
    """The index as ``push --format`` asks (None: as it is). A Docker list cannot
    carry annotations: they are left out, as podman's conversion does."""
    if fmt is None or fmt == "":
        return index
    if fmt not in LIST_FORMATS:
        raise InvalidArgument(
            f"unknown format {fmt!r}. Choose one of the supported formats: oci, v2s2"
        )
    media_type = LIST_FORMATS[fmt]
    if media_type == mt.OCI_INDEX:
        return replace(index, media_type=media_type)
    return replace(
        index,
        media_type=media_type,
        annotations=(),
        manifests=tuple(replace(d, annotations=()) for d in index.manifests),
    )


def with_instance(index: ImageIndex, entry: Descriptor) -> ImageIndex:
    """Add ``entry``; one already listed under the same digest is replaced in place."""
    entries = list(index.manifests)
    for i, old in enumerate(entries):
        if old.digest == entry.digest:
            entries[i] = entry
            break
    else:
        entries.append(entry)
    return settle(replace(index, manifests=tuple(entries)))


def instance_digest(text: str) -> Digest:
    """A digest the user typed for ``manifest remove/annotate`` (podman's words)."""
    try:
        return parse_digest(text)
    except InvalidArgument:
        raise InvalidArgument(
            f'invalid image digest "{text}": invalid checksum digest format'
        ) from None


def without_instance(index: ImageIndex, digest: Digest) -> ImageIndex:
    kept = tuple(d for d in index.manifests if d.digest != digest)
    if len(kept) == len(index.manifests):
        raise NoSuchObject(f'no instance matching digest "{digest}" found in manifest list')
    return settle(replace(index, manifests=kept))


@dataclass(frozen=True)
class Annotate:
    """What ``manifest annotate`` (and ``add``'s flags) change in one entry; None keeps."""

    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    os_version: str | None = None
    os_features: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None  # Docker's platform.features (kept in OCI too)
    annotations: Annotations = ()


def annotated(entry: Descriptor, change: Annotate) -> Descriptor:
    old = entry.platform or Platform(os="", architecture="")
    platform = Platform(
        os=change.os if change.os is not None else old.os,
        architecture=change.arch if change.arch is not None else old.architecture,
        variant=change.variant if change.variant is not None else old.variant,
        os_version=change.os_version if change.os_version is not None else old.os_version,
        os_features=change.os_features if change.os_features is not None else old.os_features,
        features=change.features if change.features is not None else old.features,
    )
    annotations = dict(entry.annotations)
    annotations.update(change.annotations)
    return replace(
        entry,
        platform=platform if platform.os or platform.architecture else entry.platform,
        annotations=tuple(annotations.items()),
    )


def annotate_instance(index: ImageIndex, digest: Digest, change: Annotate) -> ImageIndex:
    for entry in index.manifests:
        if entry.digest == digest:
            return with_instance(index, annotated(entry, change))
    raise NoSuchObject(
        f'no image instance matching digest "{digest}" was found in the list or index'
    )


def parse_annotations(values: Sequence[str]) -> Annotations:
    """``KEY=VALUE`` flags, in order (a later key wins); one without ``=`` is refused in
    podman's words."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise InvalidArgument(f'no value given for annotation "{value}"')
        out[key] = text
    return tuple(out.items())


def _descriptor_json(d: Descriptor) -> dict[str, Any]:
    # podman's field order (Go struct order): mediaType, size, digest, platform, annotations.
    out: dict[str, Any] = {"mediaType": d.media_type, "size": d.size, "digest": str(d.digest)}
    if d.urls:
        out["urls"] = list(d.urls)
    if d.platform is not None:
        p = d.platform
        plat: dict[str, Any] = {"architecture": p.architecture, "os": p.os}
        if p.os_version:
            plat["os.version"] = p.os_version
        if p.os_features:
            plat["os.features"] = list(p.os_features)
        if p.variant:
            plat["variant"] = p.variant
        if p.features:
            plat["features"] = list(p.features)
        out["platform"] = plat
    if d.annotations:
        out["annotations"] = dict(d.annotations)
    if d.artifact_type:
        out["artifactType"] = d.artifact_type
    return out


def render_index(index: ImageIndex) -> str:
    """``manifest inspect`` of a local list, laid out as podman prints one."""
    doc: dict[str, Any] = {"schemaVersion": index.schema_version, "mediaType": index.media_type}
    # podman prints an empty list's entries as null (a nil Go slice)
    doc["manifests"] = [_descriptor_json(d) for d in index.manifests] or None
    if index.annotations:
        doc["annotations"] = dict(index.annotations)
    return json.dumps(doc, indent=4)

"""Image manifests, image indexes and their descriptors.

``parse_manifest`` is the one place that turns manifest JSON from a registry
or an image layout into typed objects; ``to_bytes`` is the one place that
writes the manifests hutch creates. Docker schema 2 documents share the OCI
shape and are parsed by the same code; Docker schema 1 is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from hutch.api.errors import InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest, parse_digest, sha256_of
from hutch.oci.platform import Platform, choose_platform

Annotations = tuple[tuple[str, str], ...]


def _canonical(doc: dict[str, Any]) -> bytes:
    # Same rule as ImageConfig.to_bytes: the digest of a document we write
    # must not depend on the order in which its fields were built.
    return json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def _annotation(annotations: Annotations, key: str) -> str | None:
    for k, v in annotations:
        if k == key:
            return v
    return None


@dataclass(frozen=True)
class Descriptor:
    """A typed pointer to a blob: what it is, its digest and its size."""

    media_type: str
    digest: Digest
    size: int
    urls: tuple[str, ...] = ()
    annotations: Annotations = ()
    platform: Platform | None = None
    artifact_type: str | None = None

    def annotation(self, key: str) -> str | None:
        return _annotation(self.annotations, key)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "digest": str(self.digest),
            "size": self.size,
        }
        if self.urls:
            out["urls"] = list(self.urls)
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        if self.platform is not None:
            out["platform"] = _platform_to_json(self.platform)
        if self.artifact_type is not None:
            out["artifactType"] = self.artifact_type
        return out


def descriptor_of(data: bytes, media_type: str, *, platform: Platform | None = None) -> Descriptor:
    """The descriptor of a blob hutch holds in memory (a config, a manifest)."""
    return Descriptor(
        media_type=media_type, digest=sha256_of(data), size=len(data), platform=platform
    )


@dataclass(frozen=True)
class ImageManifest:
    config: Descriptor
    layers: tuple[Descriptor, ...]
    media_type: str = mt.OCI_MANIFEST
    schema_version: int = 2
    annotations: Annotations = ()
    subject: Descriptor | None = None
    artifact_type: str | None = None

    def annotation(self, key: str) -> str | None:
        return _annotation(self.annotations, key)

    def to_json(self) -> dict[str, Any]:
        return _document_json(
            self,
            {"config": self.config.to_json(), "layers": [x.to_json() for x in self.layers]},
        )

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, no spaces, UTF-8) for manifests hutch writes."""
        return _canonical(self.to_json())


@dataclass(frozen=True)
class ImageIndex:
    manifests: tuple[Descriptor, ...]
    media_type: str = mt.OCI_INDEX
    schema_version: int = 2
    annotations: Annotations = ()
    subject: Descriptor | None = None
    artifact_type: str | None = None

    def annotation(self, key: str) -> str | None:
        return _annotation(self.annotations, key)

    def to_json(self) -> dict[str, Any]:
        return _document_json(self, {"manifests": [m.to_json() for m in self.manifests]})

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, no spaces, UTF-8) for indexes hutch writes."""
        return _canonical(self.to_json())


def select_manifest(index: ImageIndex, want: Platform) -> Descriptor:
    """The entry of ``index`` to run on ``want`` (the rules: ``platform.choose_platform``)."""
    return index.manifests[choose_platform([d.platform for d in index.manifests], want)]


def _document_json(doc: ImageManifest | ImageIndex, body: dict[str, Any]) -> dict[str, Any]:
    """The fields manifests and indexes share, around the ``body`` that differs."""
    out: dict[str, Any] = {"schemaVersion": doc.schema_version, "mediaType": doc.media_type}
    out.update(body)
    if doc.annotations:
        out["annotations"] = dict(doc.annotations)
    if doc.subject is not None:
        out["subject"] = doc.subject.to_json()
    if doc.artifact_type is not None:
        out["artifactType"] = doc.artifact_type
    return out


def layer_compression(media_type: str) -> Literal["gzip", "zstd", "none"]:
    """How a layer blob of ``media_type`` is compressed."""
    if media_type in mt.LAYER_GZIP_TYPES:
        return "gzip"
    if media_type in mt.LAYER_ZSTD_TYPES:
        return "zstd"
    if media_type in mt.LAYER_TAR_TYPES:
        return "none"
    raise InvalidArgument(f"unsupported layer media type {media_type!r}")


# ---------------------------------------------------------------- parsing


class _Bad(Exception):
    """A malformed field; ``parse_manifest`` adds what document it was in."""


def _platform_to_json(p: Platform) -> dict[str, Any]:
    out: dict[str, Any] = {"architecture": p.architecture, "os": p.os}
    if p.os_version is not None:
        out["os.version"] = p.os_version
    if p.os_features:
        out["os.features"] = list(p.os_features)
    if p.variant is not None:
        out["variant"] = p.variant
    if p.features:
        out["features"] = list(p.features)
    return out


def _opt_str(obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _Bad(f"{where}{key} must be a string")
    return value


def _req_str(obj: dict[str, Any], key: str, where: str) -> str:
    value = _opt_str(obj, key, where)
    if not value:
        raise _Bad(f"{where}{key} is missing")
    return value


def _str_list(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(f"{where}{key} must be a list of strings")
    return tuple(value)


def _annotations(obj: dict[str, Any], where: str) -> Annotations:
    value = obj.get("annotations")
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Bad(f"{where}annotations must map strings to strings")
    return tuple(value.items())


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{where.rstrip('.') or 'document'} must be a JSON object")
    return value


def _parse_platform(value: object, where: str) -> Platform:
    obj = _object(value, where)
    return Platform(
        os=_req_str(obj, "os", where),
        architecture=_req_str(obj, "architecture", where),
        variant=_opt_str(obj, "variant", where) or None,
        os_version=_opt_str(obj, "os.version", where),
        os_features=_str_list(obj, "os.features", where),
        features=_str_list(obj, "features", where),
    )


def _parse_descriptor(value: object, where: str) -> Descriptor:
    obj = _object(value, where)
    try:
        digest = parse_digest(_req_str(obj, "digest", where))
    except InvalidArgument as exc:
        raise _Bad(f"{where}digest: {exc}") from None
    size = obj.get("size")
    # bool is an int in Python but never a size in JSON.
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _Bad(f"{where}size must be a non-negative integer")
    platform = obj.get("platform")
    return Descriptor(
        media_type=_req_str(obj, "mediaType", where),
        digest=digest,
        size=size,
        urls=_str_list(obj, "urls", where),
        annotations=_annotations(obj, where),
        platform=None if platform is None else _parse_platform(platform, f"{where}platform."),
        artifact_type=_opt_str(obj, "artifactType", where),
    )


def _descriptors(obj: dict[str, Any], key: str) -> tuple[Descriptor, ...]:
    value = obj.get(key)
    if value is None:
        raise _Bad(f"{key} is missing")
    if not isinstance(value, list):
        raise _Bad(f"{key} must be a list")
    return tuple(_parse_descriptor(item, f"{key}[{i}].") for i, item in enumerate(value))


def _subject(obj: dict[str, Any]) -> Descriptor | None:
    value = obj.get("subject")
    return None if value is None else _parse_descriptor(value, "subject.")


_SCHEMA1_REFUSAL = (
    "schema 1 manifests are not supported; the image must be pushed again "
    "with a current client (Docker schema 2 or OCI)"
)


def _strip_params(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _kind(doc: dict[str, Any], content_type: str | None) -> str:
    """The media type the document is parsed as."""
    declared = _opt_str(doc, "mediaType", "")
    header = _strip_params(content_type)
    if (
        declared in mt.SCHEMA1_TYPES
        or header in mt.SCHEMA1_TYPES
        or (doc.get("schemaVersion") == 1 and not declared)
    ):
        # Not a malformed document: say so without the "invalid manifest" prefix.
        raise InvalidArgument(_SCHEMA1_REFUSAL)
    known = mt.IMAGE_MANIFEST_TYPES | mt.INDEX_TYPES
    if declared:
        if declared not in known:
            raise _Bad(f"unsupported media type {declared!r}")
        # The field is authoritative (it is covered by the digest), but a
        # header that names the other kind points at a confused or hostile
        # server: refuse rather than guess.
        if header in known and (header in mt.INDEX_TYPES) != (declared in mt.INDEX_TYPES):
            raise _Bad(f"mediaType {declared!r} contradicts Content-Type {header!r}")
        return declared
    if header in known:
        return header
    # OCI allows documents without mediaType; recognise them by shape.
    if "manifests" in doc:
        return mt.OCI_INDEX
    if "config" in doc or "layers" in doc:
        return mt.OCI_MANIFEST
    raise _Bad("neither an image manifest nor an image index (no mediaType)")


def _build(doc: dict[str, Any], content_type: str | None) -> ImageManifest | ImageIndex:
    kind = _kind(doc, content_type)
    version = doc.get("schemaVersion")
    if version != 2 or isinstance(version, bool):
        raise _Bad(f"schemaVersion must be 2, got {version!r}")
    # The fields both kinds share, parsed once.
    common: dict[str, Any] = {
        "media_type": kind,
        "annotations": _annotations(doc, ""),
        "subject": _subject(doc),
        "artifact_type": _opt_str(doc, "artifactType", ""),
    }
    if kind in mt.INDEX_TYPES:
        return ImageIndex(manifests=_descriptors(doc, "manifests"), **common)
    if "config" not in doc:
        raise _Bad("config is missing")
    return ImageManifest(
        config=_parse_descriptor(doc["config"], "config."),
        layers=_descriptors(doc, "layers"),
        **common,
    )


def parse_manifest(raw: bytes, content_type: str | None = None) -> ImageManifest | ImageIndex:
    """Parse a manifest or index; ``content_type`` is the HTTP header, if any.

    The kind comes from the document's ``mediaType``, else from the header,
    else from the document's shape. Malformed input raises ``InvalidArgument``
    naming the offending field.
    """
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidArgument(f"invalid manifest: not valid JSON ({exc})") from None
    try:
        return _build(_object(doc, ""), content_type)
    except _Bad as exc:
        raise InvalidArgument(f"invalid manifest: {exc}") from None

"""OCI artifacts (``hutch artifact``): the manifest that names a set of files.

An artifact is an OCI image manifest whose config is the empty descriptor
(``{}``, image spec 1.1) and whose layers are the files themselves, each named
by its ``org.opencontainers.image.title`` annotation; ``artifactType`` says
what the set is (``--type``). Pure: building, reading and choosing blobs, so
the rules of ``add`` and ``extract`` are tested without a store.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hutch.api.errors import InvalidArgument
from hutch.oci import mediatypes as mt
from hutch.oci.digest import sha256_of

TITLE = "org.opencontainers.image.title"
CREATED = "org.opencontainers.image.created"
EMPTY_CONFIG = b"{}"
OCTET_STREAM = "application/octet-stream"
TEXT_PLAIN = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class ArtifactLayer:
    """One file of an artifact: its blob and how it is named."""

    digest: str
    size: int
    media_type: str
    annotations: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str | None:
        return dict(self.annotations).get(TITLE)

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.size,
        }
        if self.annotations:
            out["annotations"] = dict(sorted(self.annotations))  # a Go map: sorted keys
        return out


@dataclass(frozen=True)
class Artifact:
    """An artifact manifest, read: what ``ls``, ``extract`` and ``push`` need."""

    artifact_type: str | None
    config: dict[str, Any]
    layers: tuple[ArtifactLayer, ...]
    annotations: tuple[tuple[str, str], ...]

    @property
    def total_size(self) -> int:
        """podman's TotalSizeBytes: the files, not the manifest or the config."""
        return sum(layer.size for layer in self.layers)

    @property
    def config_digest(self) -> str:
        return str(self.config["digest"])


def empty_descriptor() -> dict[str, Any]:
    """The empty config (``{}``), its bytes inline as ``data`` as podman writes it."""
    return {
        "mediaType": mt.OCI_EMPTY,
        "digest": str(sha256_of(EMPTY_CONFIG)),
        "size": len(EMPTY_CONFIG),
        "data": "e30=",  # base64 of "{}"
    }


def rfc3339nano(ts: float) -> str:
    """Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped."""
    seconds = int(ts)
    nanos = round((ts - seconds) * 1e9)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def parse_created(text: str | None) -> float | None:
    """The time an RFC 3339 ``created`` annotation says (nanoseconds cut to
    microseconds), or None when there is none or it cannot be read."""
    import datetime
    import re

    if not text:
        return None
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    if match is None:
        return None
    # six digits exactly: Python 3.10's fromisoformat takes no other length
    fraction = "." + (match.group(2) or ".")[1:7].ljust(6, "0")
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    try:
        return datetime.datetime.fromisoformat(match.group(1) + fraction + zone).timestamp()
    except ValueError:
        return None


def build_manifest(
    layers: Sequence[ArtifactLayer],
    artifact_type: str | None,
    annotations: Mapping[str, str],
) -> bytes:
    """The manifest bytes (compact JSON, as Go marshals it); their digest names the
    artifact. Fields in the order of the image spec's Go struct."""
    doc: dict[str, Any] = {"schemaVersion": 2, "mediaType": mt.OCI_MANIFEST}
    if artifact_type:
        doc["artifactType"] = artifact_type
    doc["config"] = empty_descriptor()
    doc["layers"] = [layer.descriptor() for layer in layers]
    if annotations:
        doc["annotations"] = dict(sorted(annotations.items()))
    return json.dumps(doc, separators=(",", ":")).encode()


def parse_artifact(raw: bytes) -> Artifact:
    """Read an artifact manifest; one that is not an OCI image manifest is refused."""
    try:
        doc = json.loads(raw)
    except ValueError:
        raise InvalidArgument("the artifact manifest is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("mediaType", mt.OCI_MANIFEST) != mt.OCI_MANIFEST:
        kind = doc.get("mediaType") if isinstance(doc, dict) else type(doc).__name__
        raise InvalidArgument(f"not an OCI artifact manifest ({kind})")
    config = doc.get("config")
    layers = doc.get("layers")
    if not isinstance(config, dict) or "digest" not in config or not isinstance(layers, list):
        raise InvalidArgument("the artifact manifest has no config or no layers")
    return Artifact(
        doc.get("artifactType"),
        config,
        tuple(_layer(entry) for entry in layers),
        _pairs(doc.get("annotations")),
    )


def _layer(entry: Any) -> ArtifactLayer:
    if not isinstance(entry, dict) or "digest" not in entry:
        raise InvalidArgument("an artifact layer has no digest")
    return ArtifactLayer(
        str(entry["digest"]),
        int(entry.get("size", 0)),
        str(entry.get("mediaType", OCTET_STREAM)),
        _pairs(entry.get("annotations")),
    )


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in value.items())


def parse_annotations(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--annotation K=V`` (repeatable): podman's check and words for a bad one."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise InvalidArgument(f"annotation {value!r} must be of the form key=value")
        out[key] = text
    if TITLE in out:
        # each file's title is its name: one title for several files would collide
        raise InvalidArgument(f"cannot override filename with {TITLE} annotation")
    return tuple(out.items())


def detect_media_type(head: bytes) -> str:
    """The type of a file from its first bytes, as far as an artifact needs it: text
    (UTF-8 without control bytes, as Go's DetectContentType calls text) or bytes."""
    if not head:
        return TEXT_PLAIN
    try:
        text = head.decode()
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sniffed bytes is still text
        try:
            text = head[:-3].decode() if len(head) > 3 else ""
        except UnicodeDecodeError:
            return OCTET_STREAM
    if any(ord(c) < 0x20 and c not in "\t\n\r\f\x1b" for c in text):
        return OCTET_STREAM
    return TEXT_PLAIN


def check_title(title: str, *, names: Sequence[str | None]) -> None:
    """A new file's title: a plain file name (extract writes it in a directory) and
    not one the artifact has already."""
    if not title or title in (".", "..") or "/" in title or "\0" in title:
        raise InvalidArgument(f"{title!r}: not usable as a file name in an artifact")
    if title in names:
        raise InvalidArgument(f"{title}: file already exists in artifact")


def select_layers(
    artifact: Artifact, digest: str | None, title: str | None
) -> tuple[ArtifactLayer, ...]:
    """The layers ``extract`` takes: all of them, or the one ``--digest`` or
    ``--title`` names (a digest may be given without its ``sha256:``)."""
    if digest is not None and title is not None:
        raise InvalidArgument(
            "if any flags in the group [digest title] are set none of the others can be; "
            "[digest title] were all set"
        )
    if digest is not None:
        want = digest if ":" in digest else f"sha256:{digest}"
        found = tuple(layer for layer in artifact.layers if layer.digest == want)
        if not found:
            raise InvalidArgument(f'no blob with the digest "{digest}"')
        return found[:1]
    if title is not None:
        found = tuple(layer for layer in artifact.layers if layer.title == title)
        if not found:
            raise InvalidArgument(f'no blob with the title "{title}"')
        return found[:1]
    return artifact.layers


def extract_names(
    layers: Sequence[ArtifactLayer], *, by_digest: bool
) -> tuple[tuple[ArtifactLayer, str], ...]:
    """Each layer with its file name in a target directory: its title, or its digest
    (``:`` as ``-``) without one or with ``--digest``. A title that is not a plain
    file name is refused rather than followed out of the directory."""
    out = []
    for layer in layers:
        name = layer.title
        if by_digest or not name:
            name = layer.digest.replace(":", "-")
        elif name in (".", "..") or "/" in name or "\0" in name:
            raise InvalidArgument(f"blob {layer.digest}: title {name!r} is not a file name")
        out.append((layer, name))
    return tuple(out)


def artifact_name(text: str) -> str:
    """The stored name of an artifact: normalised as an image name is
    (``name`` -> ``docker.io/library/name:latest``), so that push knows where to."""
    from hutch.oci.reference import parse_reference

    ref = parse_reference(text)
    if ref.digest is not None:
        raise InvalidArgument(f"{text}: an artifact is named by a tag, not a digest")
    return str(ref)


def digest_prefix(text: str) -> str | None:
    """The hex a full or partial manifest digest gives (``sha256:`` optional), or
    None when ``text`` cannot be one."""
    hexpart = text.removeprefix("sha256:")
    if hexpart and len(hexpart) <= 64 and all(c in "0123456789abcdef" for c in hexpart):
        return hexpart
    return None

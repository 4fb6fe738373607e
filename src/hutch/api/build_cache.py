"""One entry of a build cache list as compose files and the Docker API give them
(``build.cache_from``/``cache_to``, ``POST /build?cachefrom=``): an image
reference, or BuildKit's ``type=TYPE,KEY=VALUE,...``. A bare reference is
short for ``type=registry,ref=REFERENCE``, as the Compose Specification says.

hutch's registry cache is a repository whose tags are the steps' cache keys
(``build --cache-from/--cache-to REPOSITORY``): a registry entry naming a
repository maps to it. The rest is reported with the reason, to be warned
about and skipped (the specification: an unsupported cache is ignored and
does not stop the build); a malformed entry raises ValueError. Both front
ends read entries here, so that a compose file and the API agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# BuildKit's other backends, and why hutch cannot use them
_BACKENDS = {
    "local": "BuildKit's cache directory format; hutch keeps its cache in its own store, "
    "used by every build, and shares it through a registry repository",
    "inline": "BuildKit's cache records inside the built image; hutch shares its cache "
    "through a registry repository of step images",
    "gha": "GitHub Actions' cache service; hutch shares its cache through a registry only",
    "s3": "an S3 bucket; hutch shares its cache through a registry only",
    "azblob": "Azure Blob Storage; hutch shares its cache through a registry only",
}
# registry attributes that change nothing here: every step is pushed (BuildKit's
# mode=max) as an image of hutch's own layout
_HARMLESS = {"mode", "oci-mediatypes", "image-manifest", "compression", "compression-level",
             "force-compression"}  # fmt: skip


@dataclass(frozen=True)
class CacheSource:
    """``repository``: what ``--cache-from``/``--cache-to`` take, or None with
    ``ignored`` saying why hutch cannot use the entry."""

    text: str
    repository: str | None
    ignored: str = ""


def cache_source(text: str) -> CacheSource:
    """Read one entry; ValueError for an entry that is malformed."""
    if not text.strip():
        raise ValueError("an empty cache entry")
    if "=" not in text:
        return _registry(text, text)
    fields: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{text!r}: expected KEY=VALUE, found {item!r}")
        fields[key.strip()] = value.strip()
    kind = fields.pop("type", None)
    if kind is None:
        raise ValueError(f"{text!r}: give type=TYPE (type=registry,ref=REPOSITORY) or a reference")
    if kind != "registry":
        if kind in _BACKENDS:
            return CacheSource(text, None, f"type={kind} is {_BACKENDS[kind]}")
        return CacheSource(text, None, f"hutch knows no cache type {kind!r}")
    ref = fields.pop("ref", "")
    if not ref:
        raise ValueError(f"{text!r}: type=registry needs ref=REPOSITORY")
    unknown = sorted(set(fields) - _HARMLESS)
    if unknown:
        raise ValueError(f"{text!r}: hutch takes no registry cache attribute {unknown[0]!r}")
    return _registry(text, ref)


def _registry(text: str, ref: str) -> CacheSource:
    # the form only: the repository's own syntax is the engine's to check when the
    # build starts (as build --cache-from's), the reference grammar being below api
    if "@" in ref or ":" in ref.rsplit("/", 1)[-1]:
        return CacheSource(
            text,
            None,
            f"{ref} names one image; hutch's registry cache is a repository whose tags "
            "are the steps' cache keys: give the repository without a tag",
        )
    return CacheSource(text, ref)

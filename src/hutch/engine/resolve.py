"""Finding a local image by the name, id or id prefix a user typed."""

from __future__ import annotations

from collections.abc import Iterator

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.oci.reference import has_registry, is_image_id_prefix, parse_reference
from hutch.store.images import ImageRecord, ImageStore


def search_registries() -> tuple[str, ...]:
    """``unqualified-search-registries`` of registries.conf (docker.io when unset)."""
    from hutch.registry.registries_conf import load

    return load().search_registries


def candidate_names(text: str, search: tuple[str, ...] | None = None) -> list[str]:
    """Fully qualified names a user's text may mean, most specific first:
    ``localhost/NAME`` (where local builds land), then each search registry."""
    return list(_candidates(text, search))


def _candidates(text: str, search: tuple[str, ...] | None = None) -> Iterator[str]:
    """``candidate_names`` one at a time: registries.conf (a TOML parser and a file
    read) is loaded only when ``localhost/NAME`` was not the one (run of a local
    build or import, issue 16)."""
    if has_registry(text):
        yield str(parse_reference(text))
        return
    first = str(parse_reference(text, default_registry="localhost"))
    yield first
    seen = {first}
    for registry in search_registries() if search is None else search:
        name = str(parse_reference(text, default_registry=registry))
        if name not in seen:
            seen.add(name)
            yield name


def find_image(store: ImageStore, text: str, *, lists: bool = False) -> ImageRecord:
    """The image ``text`` names; NoSuchObject when there is none.

    A manifest list stands for its entry for this host, as in podman: the image
    stored under that entry's digest (``run LIST``, ``image inspect LIST``).
    ``lists`` returns the list itself (rmi, tag, the manifest verbs)."""
    record = _find(store, text)
    if record.is_list and not lists:
        return list_instance(store, record)
    return record


def list_instance(store: ImageStore, record: ImageRecord) -> ImageRecord:
    """The local image a manifest list gives this host (podman's words when none)."""
    from hutch.oci import mediatypes as mt
    from hutch.oci.manifest import ImageIndex, parse_manifest
    from hutch.oci.platform import choose_platform, host_platform

    index = parse_manifest(record.manifest_raw)
    want = host_platform()
    entries = index.manifests if isinstance(index, ImageIndex) else ()
    try:
        entry = entries[choose_platform([d.platform for d in entries], want)]
    except (NoSuchObject, IndexError):
        entry = None
    found = store.by_digest(str(entry.digest)) if entry is not None else None
    if found is None:
        kind = "manifest list" if index.media_type == mt.DOCKER_MANIFEST_LIST else "image index"
        raise NoSuchObject(
            f"no image found in {kind} for architecture {want.architecture}, "
            f'variant "{want.variant or ""}", OS {want.os}: image not known'
        )
    return found


def _find(store: ImageStore, text: str) -> ImageRecord:
    record = store.by_name(text)
    if record is not None:
        return record
    if is_image_id_prefix(text):
        matches = store.by_id_prefix(text.removeprefix("sha256:"))
        if len(matches) > 1:
            raise InvalidArgument(f"{text}: the id prefix is ambiguous; give more digits")
        if matches:
            return matches[0]
    try:
        for name in _candidates(text):
            record = store.by_name(name)
            if record is not None:
                return record
    except InvalidArgument:
        raise NoSuchObject(f"{text}: image not known") from None
    if "@" in text:
        # NAME@DIGEST: the image pulled by that manifest digest (pulls by digest add no tag).
        # Either manifest the image is known by finds it; what is read or sent is
        # the image's own manifest, whose blobs the store holds.
        found = store.by_digest(text.rsplit("@", 1)[1])
        own = store.get(found.id) if found is not None else None
        if own is not None:
            return own
    # podman also matches a short name against any registry in local storage.
    for image in store.all():
        if _short_match(image.names, text):
            return image
    raise NoSuchObject(f"{text}: image not known")


def resolved_name(names: tuple[str, ...] | list[str], text: str) -> str:
    """The image name a container records for the ``text`` it was created from, as
    podman records it: the full name that text resolved to (``base`` ->
    ``localhost/base:latest``); the text itself when it is an id or matched no name."""
    if text in names:
        return text
    try:
        found = next((c for c in _candidates(text) if c in names), None)
    except InvalidArgument:
        return text
    return found or _short_match(names, text) or text


def _short_match(names: tuple[str, ...] | list[str], text: str) -> str | None:
    """The first of ``names`` a short name means in local storage, whatever its
    registry (podman's rule: ``busybox`` is ``docker.io/library/busybox:latest``)."""
    if has_registry(text):
        return None
    try:
        local = str(parse_reference(text, default_registry="localhost"))
    except InvalidArgument:
        return None
    suffix = "/" + local.split("/", 1)[1]
    return next((n for n in names if n.endswith(suffix)), None)

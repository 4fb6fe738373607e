"""Finding a local image by the name, id or id prefix a user typed."""

from __future__ import annotations

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.oci.reference import has_registry, is_image_id_prefix, parse_reference
from hutch.store.images import ImageRecord, ImageStore

# Until registries.conf support lands (images issue), short names are tried
# as podman does with its default configuration: localhost first, then Docker Hub.
SEARCH_REGISTRIES = ("docker.io",)


def candidate_names(text: str) -> list[str]:
    """Fully qualified names a user's text may mean, most specific first."""
    if has_registry(text):
        return [str(parse_reference(text))]
    names = [str(parse_reference(text, default_registry="localhost"))]
    for registry in SEARCH_REGISTRIES:
        names.append(str(parse_reference(text, default_registry=registry)))
    return names


def find_image(store: ImageStore, text: str) -> ImageRecord:
    """The image ``text`` names; NoSuchObject when there is none."""
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
        names = candidate_names(text)
    except InvalidArgument:
        raise NoSuchObject(f"{text}: image not known") from None
    for name in names:
        record = store.by_name(name)
        if record is not None:
            return record
    # podman also matches a short name against any registry in local storage.
    if not has_registry(text):
        suffix = "/" + str(parse_reference(text, default_registry="localhost")).split("/", 1)[1]
        for image in store.all():
            if any(n.endswith(suffix) for n in image.names):
                return image
    raise NoSuchObject(f"{text}: image not known")

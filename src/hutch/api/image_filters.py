"""``images --filter`` (and the Docker API's ``filters``): pure predicates over the
engine's image summaries, shared by the front ends."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence

from hutch.api.errors import InvalidArgument
from hutch.api.image_list import ImageSummary

FILTER_KEYS = (
    "reference",
    "label",
    "label!",
    "dangling",
    "before",
    "since",
    "until",
    "id",
    "readonly",
    "containers",
    "manifest",
    "intermediate",
    "digest",
)
Predicate = Callable[[ImageSummary], bool]
# ``until``'s value as a point in time (a caller passes hutch.util.durations' parse_time:
# this layer imports only the standard library); ValueError when it is none
TimeParser = Callable[[str], float]
# Go's strconv.ParseBool, which podman's boolean filters use
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def _short_forms(name: str) -> list[str]:
    """``reg/ns/app:1`` matches as itself, ``ns/app:1``, ``app:1`` and without the tag."""
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    parts = repo.split("/")
    out = []
    for i in range(len(parts)):
        r = "/".join(parts[i:])
        out += [r, f"{r}:{tag}"] if tag else [r]
    return out


def _find(images: Sequence[ImageSummary], text: str) -> ImageSummary | None:
    for image in images:
        if image.id.startswith(text.removeprefix("sha256:")) or any(
            text in _short_forms(n) for n in image.names
        ):
            return image
    return None


def _bool(key: str, value: str, seen: dict[str, str]) -> bool:
    if seen.setdefault(key, value) != value:
        raise InvalidArgument(  # podman's words
            f'specifying "{key}" filter more than once with different values is not supported'
        )
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    # podman's words, key and value in the order it prints them
    raise InvalidArgument(
        f'non-boolean value "{key}" for {value} filter: '
        f'strconv.ParseBool: parsing "{value}": invalid syntax'
    )


def _labelled(value: str) -> Predicate:
    name, has_value, want = value.partition("=")
    return lambda i: any(k == name and (not has_value or v == want) for k, v in i.labels)


def _pivot(key: str, value: str, images: Sequence[ImageSummary]) -> ImageSummary:
    found = _find(images, value)
    if found is None:
        raise InvalidArgument(  # podman's words, "filter" twice as it prints them
            f'could not find local image for filter filter "{key}"="{value}": '
            f"{value}: image not known"
        )
    return found


def _until(value: str, parse_time: TimeParser) -> Predicate:
    try:
        limit = parse_time(value)
    except ValueError:
        raise InvalidArgument(f'failed to parse value as time or duration: "{value}"') from None
    return lambda i: i.created < limit


def _containers(value: str, seen: dict[str, str]) -> Predicate:
    if value not in ("true", "false"):
        raise InvalidArgument(f'unsupported value "{value}" for containers filter')
    used = _bool("containers", value, seen)
    return lambda i: (i.containers > 0) == used


def _digest(value: str) -> Predicate:
    if not value.startswith("sha256:"):
        raise InvalidArgument(f'invalid value "{value}" for digest filter')  # podman's words
    return lambda i: i.digest == value


def _predicate(
    spec: str, images: Sequence[ImageSummary], parse_time: TimeParser, seen: dict[str, str]
) -> Predicate:
    key, sep, value = spec.partition("=")
    if not sep:
        raise InvalidArgument(  # libimage's words
            f'invalid image filter "{spec}": must be in the format "filter=value or filter!=value"'
        )
    if key == "reference":
        return lambda i: any(
            fnmatch.fnmatchcase(form, value) for n in i.names for form in _short_forms(n)
        )
    if key in ("label", "label!"):
        has = _labelled(value)
        return has if key == "label" else (lambda i: not has(i))
    if key == "dangling":  # podman: untagged, and no image is built on it
        dangling = _bool(key, value, seen)
        return lambda i: (not i.names and not i.parent) == dangling
    if key == "intermediate":  # podman: untagged, and images are built on it
        intermediate = _bool(key, value, seen)
        return lambda i: i.intermediate == intermediate
    if key == "digest":
        return _digest(value)
    if key == "readonly":
        # every image is in the one read-write store (hutch has no additional stores)
        readonly = _bool(key, value, seen)
        return lambda i: not readonly
    if key == "manifest":
        manifest = _bool(key, value, seen)
        return lambda i: i.manifest_list == manifest
    if key in ("before", "since"):
        pivot = _pivot(key, value, images)
        if key == "before":
            return lambda i: i.created < pivot.created
        return lambda i: i.created > pivot.created
    if key == "until":
        return _until(value, parse_time)
    if key == "containers":
        return _containers(value, seen)
    if key == "id":
        return lambda i: i.id.startswith(value.removeprefix("sha256:"))
    raise InvalidArgument(f'unsupported image filter "{key}"')  # podman's words


def apply_filters(
    images: Sequence[ImageSummary], specs: Sequence[str], *, parse_time: TimeParser
) -> list[ImageSummary]:
    """Images matching every filter; several values of one key match any of them."""
    by_key: dict[str, list[Predicate]] = {}
    seen: dict[str, str] = {}  # the boolean filters' values, which podman takes once each
    for spec in specs:
        predicate = _predicate(spec, images, parse_time, seen)
        by_key.setdefault(spec.partition("=")[0], []).append(predicate)
    return [i for i in images if all(any(p(i) for p in ps) for ps in by_key.values())]

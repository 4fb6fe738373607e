"""``images --filter`` (and the Docker API's ``filters``): pure predicates over the
engine's image summaries, shared by the front ends."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence

from hutch.api.errors import InvalidArgument
from hutch.api.images import ImageSummary

FILTER_KEYS = ("reference", "label", "dangling", "before", "since", "id")
Predicate = Callable[[ImageSummary], bool]


def _short_forms(name: str) -> list[str]:
    """``reg/ns/app:1`` matches as itself, ``ns/app:1``, ``app:1`` and without the tag."""
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    parts = repo.split("/")
    out = []
    for i in range(len(parts)):
        r = "/".join(parts[i:])
        out += [r, f"{r}:{tag}"] if tag else [r]
    return out


def _find(images: Sequence[ImageSummary], text: str) -> ImageSummary:
    for image in images:
        if image.id.startswith(text.removeprefix("sha256:")) or any(
            text in _short_forms(n) for n in image.names
        ):
            return image
    raise InvalidArgument(f"--filter: image {text!r} not known")


def _predicate(spec: str, images: Sequence[ImageSummary]) -> Predicate:
    key, sep, value = spec.partition("=")
    if not sep:
        raise InvalidArgument(f"--filter {spec!r}: expected KEY=VALUE")
    if key == "reference":
        return lambda i: any(
            fnmatch.fnmatchcase(form, value) for n in i.names for form in _short_forms(n)
        )
    if key == "label":
        name, has_value, want = value.partition("=")
        return lambda i: any(k == name and (not has_value or v == want) for k, v in i.labels)
    if key == "dangling":
        if value.lower() not in ("true", "false"):
            raise InvalidArgument(f"--filter {spec!r}: dangling takes true or false")
        dangling = value.lower() == "true"
        return lambda i: (not i.names) == dangling
    if key in ("before", "since"):
        pivot = _find(images, value)
        if key == "before":
            return lambda i: i.created < pivot.created
        return lambda i: i.created > pivot.created
    if key == "id":
        return lambda i: i.id.startswith(value.removeprefix("sha256:"))
    raise InvalidArgument(f'unsupported image filter "{key}"')  # podman's words


def apply_filters(images: Sequence[ImageSummary], specs: Sequence[str]) -> list[ImageSummary]:
    """Images matching every filter; several values of one key match any of them."""
    by_key: dict[str, list[Predicate]] = {}
    for spec in specs:
        by_key.setdefault(spec.partition("=")[0], []).append(_predicate(spec, images))
    return [i for i in images if all(any(p(i) for p in ps) for ps in by_key.values())]

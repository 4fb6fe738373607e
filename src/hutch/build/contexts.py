"""``build --build-context NAME=VALUE``: more contexts, named, besides the main one.

As buildah reads VALUE: ``docker-image://REF``, ``container-image://REF``
and ``docker://REF`` name an image; an ``http(s)://`` URL is an archive or a
git repository fetched to a directory (the engine does that); anything else
is a local directory. A named context is used by ``COPY --from=NAME``,
``RUN --mount=from=NAME`` and ``FROM NAME`` (an image context only), and
wins over a stage or an image of the same name, as in buildah.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Literal

_IMAGE_PREFIXES = ("docker-image://", "container-image://", "docker://")


@dataclass(frozen=True)
class NamedContext:
    kind: Literal["dir", "image", "url"]
    value: str  # a directory, an image reference, or a URL (before the engine fetches it)


def parse_build_context(item: str) -> tuple[str, NamedContext]:
    name, sep, value = item.partition("=")
    if not sep or not name or not value:
        raise InvalidArgument(
            f"while parsing additional build context: {item}, "
            "accepts value in the form of key=value"
        )
    for prefix in _IMAGE_PREFIXES:
        if value.startswith(prefix):
            reference = value[len(prefix) :]
            if not reference:
                raise InvalidArgument(f"--build-context {item}: no image reference")
            return name, NamedContext("image", reference)
    if value.startswith(("http://", "https://", "git://")):
        return name, NamedContext("url", value)
    return name, NamedContext("dir", value)

"""Docker's filters (``Request.filters()``: ``{key: [values]}``) -> hutch's
``KEY=VALUE`` filter texts, with the keys an endpoint takes checked by name."""

from __future__ import annotations

from collections.abc import Mapping

from hutch.api.errors import InvalidArgument


def filter_texts(
    filters: Mapping[str, list[str]],
    keys: tuple[str, ...],
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[str, ...]:
    """``KEY=VALUE`` texts for the engine; a key outside ``keys`` is refused by name.

    ``values`` renames Docker's values of a key to hutch's (event ``die`` -> ``died``).
    """
    out = []
    for key, items in filters.items():
        if key not in keys:
            raise InvalidArgument(f"invalid filter {key!r}: this endpoint takes {', '.join(keys)}")
        renames = (values or {}).get(key, {})
        out += [f"{key}={renames.get(v, v)}" for v in items]
    return tuple(out)

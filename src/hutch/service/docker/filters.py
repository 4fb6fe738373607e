"""Docker's ``filters`` query parameter -> hutch's ``KEY=VALUE`` filter texts.

Docker sends a JSON object of lists (``{"label": ["a=b"], "dangling": ["true"]}``)
or, from older clients, of sets (``{"label": {"a=b": true}}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from hutch.api.errors import InvalidArgument


def parse_filters(raw: str | None) -> dict[str, list[str]]:
    """The ``filters`` parameter as ``{key: [values]}`` (empty or absent: no filter)."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InvalidArgument(f"invalid filters: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidArgument("invalid filters: expected a JSON object")
    out: dict[str, list[str]] = {}
    for key, values in data.items():
        if isinstance(values, dict):
            chosen = [str(v) for v, on in values.items() if on]
        elif isinstance(values, list):
            chosen = [str(v) for v in values]
        elif isinstance(values, str):
            chosen = [values]
        else:
            raise InvalidArgument(f"invalid filters: the values of {key!r} must be a list")
        out[str(key)] = chosen
    return out


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

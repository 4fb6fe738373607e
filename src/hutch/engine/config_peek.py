"""A few run options of a container, read from its record without decoding the config.

``container_record`` is the codec of the record's config: decoding it whole imports
the run options' classes (about twenty dataclasses) and walks their type hints, some
8 ms of CPU that ``stop -t N`` and ``rm`` spent only for the labels their events carry
and, in ``rm``, for the ``--requires`` and ``--network container:`` of every other
container (issue 16). Every version of the record keeps the run options under
``options`` by their field names (version 0 wrote ``asdict`` of them, version 1
``to_data`` of ``ContainerConfig``), so these few are read here from the JSON; a
record that does not read so answers None, and the caller decodes it as before. A
missing key is the field's default, as the codec has it (``RunOptions``).
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing costs an import on stop's and rm's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def pairs(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``--label`` values as pairs (a bare KEY has the value "")."""
    out = []
    for item in items:
        key, _, value = item.partition("=")
        out.append((key, value))
    return tuple(out)


def labels(raw: bytes) -> tuple[tuple[str, str], ...] | None:
    """The ``--label`` values of a record's raw config as pairs, or None."""
    options = _options(raw)
    items = _strings(options.get("labels", [])) if options is not None else None
    return None if items is None else pairs(items)


def joins(raw: bytes) -> tuple[tuple[str, ...], str] | None:
    """``--requires`` and ``--network`` of a record's raw config, or None."""
    options = _options(raw)
    if options is None:
        return None
    requires = _strings(options.get("requires", []))
    network = options.get("network", "")
    if requires is None or not isinstance(network, str):
        return None
    return requires, network


def _options(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    options = data.get("options") if isinstance(data, dict) else None
    return options if isinstance(options, dict) else None


def _strings(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)

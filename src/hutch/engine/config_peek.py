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
from dataclasses import dataclass

TYPE_CHECKING = False  # typing costs an import on stop's and rm's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

# The record version whose layout ``row`` reads (engine/container_record.py
# ``VERSION``; a unit test checks they are the same, so that a new version makes
# whoever writes it look here).
ROW_VERSION = 1


@dataclass(frozen=True)
class Row:
    """What a ``ps`` row shows of a container's config (engine/container_list.py
    ``summary``), read from the record's JSON: decoding 100 configs whole was 10 ms
    of a ``ps`` of 100 running containers, a fifth of it (issue 16)."""

    command: tuple[str, ...]  # the process's, as the spec has it
    entrypoint: tuple[str, ...]  # the one it runs: --entrypoint, else the image's
    labels: tuple[tuple[str, str], ...]  # the image's, then --label over them
    mounts: tuple[tuple[str, str, str], ...]  # (volume name, source, destination)
    ports: tuple[tuple[str, int, int, str], ...]  # (host ip, host port, ctr port, proto)
    restart: str  # podman's name of the policy ("" when not given)
    network: str  # --network as given


def row(raw: bytes) -> Row | None:
    """A ``ps`` row's part of a record's raw config, or None: another version, or a
    value not of the type the codec writes (the caller decodes the record then)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != ROW_VERSION:
        return None
    options, image = data.get("options"), data.get("image_config")
    restart = data.get("restart")
    if (
        not isinstance(options, dict)
        or not isinstance(image, dict)
        or not isinstance(restart, dict)
    ):
        return None
    command = _strings(data.get("command"))
    option_labels = _strings(options.get("labels"))
    image_labels = _pairs(image.get("labels"))
    mounts = _records(data.get("mounts"), ("name", "source", "destination"), (str, str, str))
    ports = _records(
        data.get("ports"),
        ("host_ip", "host_port", "container_port", "protocol"),
        (str, int, int, str),
    )
    entrypoint = entrypoint_of(options.get("entrypoint"), image.get("entrypoint"))
    network, given, name = options.get("network"), options.get("restart"), restart.get("name")
    if (
        command is None
        or option_labels is None
        or image_labels is None
        or mounts is None
        or ports is None
        or entrypoint is None
        or not isinstance(network, str)
        or not isinstance(given, str)
        or not isinstance(name, str)
    ):
        return None
    merged = dict(image_labels)
    merged.update(pairs(option_labels))
    return Row(
        command,
        entrypoint,
        tuple(merged.items()),
        mounts,  # type: ignore[arg-type]  # checked: three strings each
        ports,  # type: ignore[arg-type]  # checked: str, int, int, str
        name if given else "",
        network,
    )


def entrypoint_of(given: object, image: object) -> tuple[str, ...] | None:
    """The entrypoint a container runs: ``--entrypoint`` (``given``: a JSON array's text
    is the array, as podman reads it), else the image's; None: not of those types."""
    if given is None:
        if image is None:
            return ()
        return _strings(list(image) if isinstance(image, tuple) else image)
    if not isinstance(given, str):
        return None
    if given.startswith("["):
        try:
            value = json.loads(given)
        except ValueError:
            return (given,)
        return tuple(str(v) for v in value) if isinstance(value, list) else (given,)
    return (given,) if given else ()


def _pairs(value: object) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        key, val = item
        if not (isinstance(key, str) and isinstance(val, str)):
            return None
        out.append((key, val))
    return tuple(out)


def _records(
    value: object, keys: tuple[str, ...], types: tuple[type, ...]
) -> tuple[tuple[object, ...], ...] | None:
    """The ``keys`` of each object of a list, each of its type; None if one is not."""
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not isinstance(item, dict):
            return None
        fields = tuple(item.get(key) for key in keys)
        # bool is an int to isinstance, never to the codec
        if not all(type(f) is t for f, t in zip(fields, types, strict=True)):
            return None
        out.append(fields)
    return tuple(out)


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
    """A list of strings as a tuple; None if ``value`` is not one."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)

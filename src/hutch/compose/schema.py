"""Validation of one file against the Compose Specification's JSON schema.

The schema ships beside this module (``compose-spec.json``); jsonschema is
imported here only, when a file is validated. The first error (jsonschema's
best match) is reported with the file, the line and the key path it concerns.

A file that passed is remembered when the caller gives a directory for it
(the CLI: ``$XDG_CACHE_HOME/hutch/compose-schema``), as an empty file named by
the digest of the schema, hutch's version and the data: importing jsonschema,
building the validator and walking the model took about 35 ms of every
``compose up`` of an unchanged file (a third of a small project's own work
before its first container). Only a pass is kept; a file with an error is
validated again each time, so its message is always jsonschema's own.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from pathlib import Path
from typing import Any

from hutch.compose.yamlload import Document

SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
# marshal's version 2 writes no back-references, whose use depends on reference
# counts: the same data gives the same bytes in every process
_MARSHAL_VERSION = 2


def validate(doc: Document, data: dict[str, Any], cache: Path | None = None) -> None:
    """Raise ComposeError for the first schema violation of ``data`` (from ``doc``);
    ``cache``: the directory of the markers of the models that passed (None: none)."""
    schema_text = SCHEMA_FILE.read_bytes()
    passed = None if cache is None else _passed_marker(cache, schema_text, data)
    if passed is not None and passed.exists():
        return
    _validate(doc, data, schema_text)
    if passed is not None:
        _remember(passed)


def _passed_marker(cache: Path, schema_text: bytes, data: dict[str, Any]) -> Path | None:
    """The file whose presence says ``data`` passed this schema (None: not cacheable).

    marshal encodes each type apart (``1``, ``1.0``, ``True`` and ``"1"`` differ,
    and so do the keys ``1`` and ``"1"``), and can be decoded: two models with
    the same bytes are equal, so a marker is never taken for another model.
    """
    from hutch import __version__

    try:
        encoded = marshal.dumps(data, _MARSHAL_VERSION)
    except ValueError:  # a YAML value marshal cannot write (a date): validated each time
        return None
    digest = hashlib.sha256(__version__.encode() + b"\0")
    digest.update(hashlib.sha256(schema_text).digest())
    digest.update(encoded)
    return cache / digest.hexdigest()


def _remember(marker: Path) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        marker.touch()
    except OSError:
        pass  # a cache we cannot write is only slower


def _validate(doc: Document, data: dict[str, Any], schema_text: bytes) -> None:
    import jsonschema

    schema = json.loads(schema_text)
    validator = jsonschema.Draft7Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    message = _message(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = _unexpected(error.instance, error.schema)
        if extra:
            path = (*path, extra[0])
            message = f"additional property {extra[0]!r} is not allowed"
    raise doc.error(message, path)


def _unexpected(instance: dict[str, Any], schema: Any) -> list[str]:
    known = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]


def _message(error: Any) -> str:
    kind = error.validator
    if kind == "type":
        wanted = error.validator_value
        names = wanted if isinstance(wanted, list) else [wanted]
        return f"must be a {' or '.join(names)}, not {_type_name(error.instance)}"
    if kind == "enum":
        return "must be one of " + ", ".join(repr(v) for v in error.validator_value)
    if kind == "oneOf":
        return f"{_type_name(error.instance)} value is not one of the forms allowed here"
    if kind == "uniqueItems":
        return "has duplicate items"
    return str(error.message)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "mapping"

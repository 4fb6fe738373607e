"""Validation of one file against the Compose Specification's JSON schema.

The schema ships beside this module (``compose-spec.json``); jsonschema is
imported here only, when a file is validated. The first error (jsonschema's
best match) is reported with the file, the line and the key path it concerns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hutch.compose.yamlload import Document

SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")


def validate(doc: Document, data: dict[str, Any]) -> None:
    """Raise ComposeError for the first schema violation of ``data`` (from ``doc``)."""
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
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

"""One declaration drives both directions: YAML data <-> the typed model.

Each model class is a frozen dataclass whose fields are Kubernetes' fields
(``host_port`` is ``hostPort``; ``field(metadata=k8s("hostIP"))`` where the
spelling is not plain camelCase). ``decode`` checks every value's type and
refuses any key the class does not declare, naming the path; ``encode``
writes the non-empty fields back in Kubernetes' spelling. So a field that
``play`` understands is exactly a field that ``generate`` can write.

Types understood: ``str``, ``int``, ``bool``, ``int | str`` (IntOrString),
``Quantity`` (a string, or a number YAML read as one), ``X | None``,
``tuple[X, ...]``, ``dict[str, X]``, nested model classes, and ``Any``
(kept as read: only for output-only fields such as ``status``).
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import MISSING, Field, fields, is_dataclass
from typing import Annotated, Any, TypeVar, Union

from hutch.kube.errors import FieldError, KeyPath

T = TypeVar("T")


class _QuantityMark:
    """Marks a Kubernetes quantity (``64Mi``, ``500m``, ``1``)."""


Quantity = Annotated[str, _QuantityMark]


def k8s(name: str) -> dict[str, str]:
    """The metadata of a field spelt otherwise than camelCase of its name."""
    return {"k8s": name}


# The metadata of a field whose empty object means something (``emptyDir: {}``)
KEEP_EMPTY = {"keep_empty": "yes"}


def key_of(f: Field[Any]) -> str:
    name = str(f.metadata.get("k8s") or "")
    if name:
        return name
    head, *rest = f.name.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _expect(what: str, value: Any, path: KeyPath) -> FieldError:
    return FieldError(path, f"expected {what}, got {_describe(value)}")


def decode(cls: type[T], data: Any, path: KeyPath = ()) -> T:
    """``data`` (a mapping read from YAML) as an instance of the model class ``cls``."""
    if not isinstance(data, dict):
        raise _expect("a mapping", data, path)
    hints = _hints(typing.cast(Any, cls))
    by_key = {key_of(f): f for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name, value in data.items():
        if not isinstance(name, str):
            raise FieldError(path, f"a key must be a string, got {_describe(name)}")
        f = by_key.get(name)
        if f is None:
            raise FieldError((*path, name), "unknown or unsupported field")
        if value is None:
            continue  # an explicit null is "not given", as the API server reads it
        values[f.name] = _value(hints[f.name], value, (*path, name))
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in values and f.default is MISSING and f.default_factory is MISSING:
            raise FieldError((*path, key_of(f)), "required field missing")
    return cls(**values)


def _value(hint: Any, value: Any, path: KeyPath) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Annotated:
        if _QuantityMark in args[1:]:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise _expect("a quantity (a string or a number)", value, path)
            return str(value)
        return _value(args[0], value, path)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _value(options[0], value, path)
        if set(options) == {int, str}:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise _expect("an integer or a string", value, path)
            return value
        raise TypeError(f"unsupported union {hint!r}")
    if origin is tuple:
        if not isinstance(value, list):
            raise _expect("a list", value, path)
        return tuple(_value(args[0], item, (*path, i)) for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise _expect("a mapping", value, path)
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise FieldError(path, f"a key must be a string, got {_describe(k)}")
            out[k] = _value(args[1], v, (*path, k))
        return out
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise _expect("a boolean", value, path)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _expect("an integer", value, path)
        return value
    if hint is str:
        if not isinstance(value, str):
            raise _expect("a string", value, path)
        return value
    if isinstance(hint, type) and is_dataclass(hint):
        return decode(hint, value, path)
    raise TypeError(f"unsupported type {hint!r}")


def encode(obj: Any) -> Any:
    """A model object as YAML-ready data: empty and default fields left out."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            if value is None or (isinstance(value, (tuple, dict)) and not value):
                continue
            if isinstance(value, bool) and f.default is value:
                continue  # a plain bool at its default says nothing
            item = encode(value)
            if (
                isinstance(item, dict)
                and not item
                and is_dataclass(value)
                and not f.metadata.get("keep_empty")
            ):
                continue  # a sub-object with nothing set
            out[key_of(f)] = item
        return out
    if isinstance(obj, tuple):
        return [encode(v) for v in obj]
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    return obj

"""Frozen dataclasses to JSON values and back, generically.

``dataclasses.asdict`` gives the JSON value; ``from_data`` rebuilds the
typed object from the field annotations: nested dataclasses, tuples (of one
type, or fixed), ``dict[str, X]``, optionals and plain values. A key the
class does not know is ignored and a missing one takes the field's default,
so a record written before a field existed still reads (the field's
default lives in the dataclass, nowhere else). Standard library only: the
container monitor uses it to read its spec.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_data(obj: Any) -> Any:
    """The JSON value of a dataclass instance (tuples become lists)."""
    return dataclasses.asdict(obj)


def from_data(cls: type[T], value: Any) -> T:
    """An instance of ``cls`` from the JSON value ``to_data`` gave for it."""
    built = _build(cls, value)
    if not isinstance(built, cls):
        raise ValueError(f"not a JSON object for {cls.__name__}: {value!r:.80}")
    return built


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise ValueError(f"not a JSON object for {tp.__name__}: {value!r:.80}")
        hints = _hints(tp)
        kwargs = {
            name: _build(hints[name], value[name]) for name in _init_fields(tp) if name in value
        }
        return tp(**kwargs)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=False))
    if origin is dict:
        _k, v_tp = typing.get_args(tp)
        return {k: _build(v_tp, v) for k, v in value.items()}
    return value

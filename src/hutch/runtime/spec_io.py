"""The runtime spec as JSON, so that an exec'd monitor can read it.

Generic over the dataclasses: a field added to any part of the spec needs
no change here (tuples, nested dataclasses, optionals and plain values).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any

from hutch.runtime.spec import Spec


def spec_to_json(spec: Spec) -> bytes:
    return json.dumps(dataclasses.asdict(spec), separators=(",", ":")).encode()


def spec_from_json(raw: bytes) -> Spec:
    value = _build(Spec, json.loads(raw))
    assert isinstance(value, Spec)
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = _hints(tp)
        kwargs = {
            f.name: _build(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.name in value
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

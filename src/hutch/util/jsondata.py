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
import sys
import types
from functools import cache

# typing where a value is decoded: create and run encode only, and typing on their path
# was about 7 % of their instructions (issue 16)
TYPE_CHECKING = False  # mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")
    Convert = Callable[[Any], Any]


def to_data(obj: Any) -> Any:
    """The JSON value of a dataclass instance (tuples become lists)."""
    return dataclasses.asdict(obj)


def from_data(cls: type[T], value: Any) -> T:
    """An instance of ``cls`` from the JSON value ``to_data`` gave for it."""
    tp: Any = cls  # hashable, as _converter's cache needs (mypy cannot tell of type[T])
    built = _converter(tp)(value)
    if not isinstance(built, cls):
        raise ValueError(f"not a JSON object for {cls.__name__}: {value!r:.80}")
    return built


def _plain(value: Any) -> Any:
    return value


def _origin_args(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """``typing.get_origin`` and ``get_args`` of ``tp``, without importing ``typing``;
    a union's origin is ``types.UnionType`` however it was written (``Optional``,
    ``Union`` or ``|``).

    What an annotation's text evaluates to without typing (``X | None``,
    ``tuple[X, ...]``, ``dict[str, X]``, a class) answers for itself; anything else
    (``Optional``, ``Union``, ``Annotated``, a ``ForwardRef``) was made by typing, which
    is then loaded, and typing answers for it. Decoding a record or a spec loaded
    typing only for these two questions: 3 to 5 ms of ``inspect``, ``start``, ``stop``
    and ``rm`` (issue 16)."""
    if isinstance(tp, types.UnionType):
        return types.UnionType, tp.__args__
    if isinstance(tp, types.GenericAlias):
        return tp.__origin__, tp.__args__
    typing = sys.modules.get("typing")
    if typing is None:
        return None, ()
    origin = typing.get_origin(tp)
    return types.UnionType if origin is typing.Union else origin, typing.get_args(tp)


@cache
def _converter(tp: Any) -> Convert:
    """The function that rebuilds a value of type ``tp``, made once per type:
    ``ps`` decodes every container's record, so the type walk is not repeated."""
    origin, args = _origin_args(tp)
    if origin is types.UnionType:
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            return _plain
        inner = _converter(options[0])
        return lambda value: None if value is None else inner(value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_converter(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda value: tuple(item(v) for v in value)
        items = [_converter(a) for a in args]
        return lambda value: tuple(c(v) for c, v in zip(items, value, strict=False))
    if origin is dict:
        convert_value = _converter(args[1])
        return lambda value: {k: convert_value(v) for k, v in value.items()}
    return _plain


def prepare(cls: type) -> None:
    """Do now the type walk that the first ``from_data(cls, ...)`` would do: build the
    converters of ``cls`` and of every dataclass it holds, at any depth.

    For a process that has time before its first decode: the prespawned container
    monitor waits for its options while the caller works, and its first decode of
    the spec (about forty classes) took 2 to 4 ms of ``run`` after they came
    (issue 16)."""
    _converter(cls)
    seen: set[object] = set()
    todo: list[object] = [cls]
    while todo:
        tp = todo.pop()
        if tp in seen:
            continue
        seen.add(tp)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            todo += _field_converters(tp)[1].values()
        else:
            todo += _origin_args(tp)[1]


@cache
def _field_converters(cls: type) -> tuple[dict[str, Convert], dict[str, Any]]:
    """The converter of each field of a dataclass ``cls`` (those ``__init__`` takes),
    and the field's type. Made at the first use (a dataclass may contain itself: its
    converter must exist before its fields' do)."""
    types_ = _field_types(cls)
    return {name: _converter(tp) for name, tp in types_.items()}, types_


def _field_types(cls: type) -> dict[str, Any]:
    """The type of each field ``__init__`` takes, as ``typing.get_type_hints`` gives it.

    The same rule as its own: an annotation's text (``from __future__ import
    annotations``) is evaluated in the module of the class that declares the field,
    then that class's namespace. Done here with each distinct text
    compiled once: get_type_hints compiled every annotation anew and wrapped and
    checked each, most of the 2.5 to 4 ms of the spec's first decode (its 22 classes,
    173 fields). A type that would still hold a name to resolve (a quoted one inside
    the text) or extras to strip (``Annotated``) is left to get_type_hints, whole.
    """
    types_: dict[str, Any] = {}
    scopes: dict[type, tuple[dict[str, Any], dict[str, Any]]] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        tp: Any = f.type
        if isinstance(tp, str):
            owner = next(
                (c for c in cls.__mro__ if f.name in vars(c).get("__annotations__", {})), None
            )
            if owner is None:
                return _hinted_types(cls)
            if owner not in scopes:
                # get_type_hints' order: the module's names first, then the class's
                # (its eval's "locals" are the module's), then the builtins
                scopes[owner] = (dict(vars(owner)), vars(sys.modules[owner.__module__]))
            try:
                tp = eval(_compiled(tp), *scopes[owner])  # our own annotations' text
            except Exception:  # get_type_hints says what is wrong with it, in its words
                return _hinted_types(cls)
        if not _resolved(tp):
            return _hinted_types(cls)
        types_[f.name] = tp
    return types_


def _hinted_types(cls: type) -> dict[str, Any]:
    import typing

    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


@cache
def _compiled(text: str) -> types.CodeType:
    return compile(text, "<annotation>", "eval", dont_inherit=True)


def _resolved(tp: Any) -> bool:
    """Whether ``tp`` holds no text or forward reference still to evaluate, and no
    ``Annotated`` (get_type_hints strips its extras); only typing makes the last two."""
    if isinstance(tp, str):
        return False
    typing = sys.modules.get("typing")
    if typing is not None and (
        isinstance(tp, typing.ForwardRef) or typing.get_origin(tp) is typing.Annotated
    ):
        return False
    return all(_resolved(arg) for arg in _origin_args(tp)[1] if arg is not Ellipsis)


def _dataclass_converter(cls: type) -> Convert:
    table: dict[str, Convert] | None = None

    def convert(value: Any) -> Any:
        nonlocal table
        if not isinstance(value, dict):
            raise ValueError(f"not a JSON object for {cls.__name__}: {value!r:.80}")
        converters = table
        if converters is None:
            # Made whole, then published by one assignment: threads decode records
            # at once (compose starts services in threads), and one that found a
            # half-filled table failed with a KeyError. Two threads may both build
            # it (functools.cache does not lock); the tables are equal.
            converters = _field_converters(cls)[0]
            table = converters
        try:
            return cls(
                **{name: conv(value[name]) for name, conv in converters.items() if name in value}
            )
        except TypeError as exc:  # a field without default is missing
            raise ValueError(f"{cls.__name__}: {exc}") from exc

    return convert

"""The functions a template can call: Go's predefined ones and podman's additions.

Each is declared with Go's parameter types, so that a call with the wrong count
or type fails with Go's message; an error a function returns is reported by the
evaluator as ``error calling NAME: ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from hutch.util.gotemplate import gofmt, gojson
from hutch.util.gotemplate.values import MISSING, Struct, go_type, is_true

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


class FuncError(Exception):
    """An error a function returns (Go's second result)."""


@dataclass(frozen=True)
class Func:
    fn: Callable[..., Any]
    params: tuple[str, ...]  # Go types: "string", "int", "bool", "[]string", "any"
    variadic: str | None = None


# --- comparison (Go's text/template funcs.go rules)
def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if v is None or v is MISSING:
        return "invalid"
    return "other"


def _eq(arg1: Any, *others: Any) -> bool:
    if not others:
        raise FuncError("missing argument for comparison")
    k1 = _kind(arg1)
    for arg in others:
        k2 = _kind(arg)
        if k1 != k2:
            if k1 != "invalid" and k2 != "invalid":
                raise FuncError("incompatible types for comparison")
            truth = False
        elif k1 == "invalid":
            truth = True
        elif k1 == "other":
            if isinstance(arg1, list | tuple | dict) or isinstance(arg, list | tuple | dict):
                bad = arg1 if isinstance(arg1, list | tuple | dict) else arg
                raise FuncError(f"non-comparable type {gofmt.value(bad)}: {go_type(bad)}")
            truth = bool(arg1 == arg)
        else:
            truth = bool(arg1 == arg)
        if truth:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        raise FuncError("incompatible types for comparison")
    if ka not in ("int", "float", "string"):
        raise FuncError("invalid type for comparison")
    return bool(a < b)


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


def _gt(a: Any, b: Any) -> bool:
    return not _le(a, b)


def _ge(a: Any, b: Any) -> bool:
    return not _lt(a, b)


# --- collections
def _len(item: Any) -> int:
    if item is None or item is MISSING:
        raise FuncError("len of nil pointer")
    if isinstance(item, str):
        return len(item.encode())
    if isinstance(item, list | tuple | bytes) or (
        isinstance(item, Mapping) and not isinstance(item, Struct)
    ):
        return len(item)
    raise FuncError(f"len of type {go_type(item)}")


def _zero_of_map(m: Mapping[Any, Any]) -> Any:
    """A missing key's value: "" for a map of strings (labels), else no value."""
    return "" if all(isinstance(v, str) for v in m.values()) else MISSING


def _index(item: Any, *indexes: Any) -> Any:
    if item is None or item is MISSING:
        raise FuncError("index of untyped nil")
    for index in indexes:
        if item is None or item is MISSING:
            raise FuncError("index of nil pointer")
        if isinstance(item, str | list | tuple):
            if isinstance(index, bool) or not isinstance(index, int):
                raise FuncError(f"cannot index slice/array with type {go_type(index)}")
            seq = item.encode() if isinstance(item, str) else item
            if not 0 <= index < len(seq):
                raise FuncError(f"index out of range: {index}")
            item = seq[index]
        elif isinstance(item, Mapping) and not isinstance(item, Struct):
            if index is None or index is MISSING:
                raise FuncError("value is nil; should be of type string")
            if not isinstance(index, str) and item and all(isinstance(k, str) for k in item):
                raise FuncError(f"value has type {go_type(index)}; should be string")
            item = item[index] if index in item else _zero_of_map(item)
        else:
            raise FuncError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item: Any, *indexes: int) -> Any:
    if item is None or item is MISSING:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        cap = len(item.encode())
    elif isinstance(item, list | tuple):
        cap = len(item)
    else:
        raise FuncError(f"can't slice item of type {go_type(item)}")
    idx = [0, len(item.encode()) if isinstance(item, str) else len(item)]
    for i, v in enumerate(indexes[:2]):
        if not 0 <= v <= cap:
            raise FuncError(f"index out of range: {v}")
        idx[i] = v
    if len(indexes) == 3 and not idx[1] <= indexes[2] <= cap:
        raise FuncError(f"index out of range: {indexes[2]}")
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if isinstance(item, str):
        return item.encode()[idx[0] : idx[1]].decode(errors="replace")
    return list(item[idx[0] : idx[1]])


def _call(fn: Any, *args: Any) -> Any:
    if fn is None or fn is MISSING:
        raise FuncError("call of nil")
    if not callable(fn):
        raise FuncError(f"non-function of type {go_type(fn)}")
    return fn(*args)


# --- escaping
def _eval_args(args: Sequence[Any]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return gofmt.sprint(args)


def _html(*args: Any) -> str:
    s = _eval_args(args)
    return (
        s.replace("&", "&amp;")
        .replace("'", "&#39;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("\0", "\ufffd")
    )


def _js(*args: Any) -> str:
    out = []
    for c in _eval_args(args):
        if c in "\\'\"":
            out.append("\\" + c)
        elif c in "<>&=" or ord(c) < 0x20 or not c.isprintable():
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    from urllib.parse import quote_plus

    return quote_plus(_eval_args(args), safe="")


# --- podman's additions (containers/common report.DefaultFuncs)
def _json(v: Any) -> str:
    return gojson.dumps(v, escape_html=False)


def _title(s: str) -> str:
    """strings.Title: upper-case the first letter of every word."""
    out = []
    prev_sep = True
    for c in s:
        out.append(c.upper() if prev_sep else c)
        prev_sep = not (c.isalnum() or c == "_")
    return "".join(out)


def _split(s: str, sep: str) -> list[str]:
    if sep == "":
        return list(s)
    return s.split(sep)


def _truncate(s: str, n: int) -> str:
    return s[:n] if len(s) > n else s


def _pad(s: str, left: int, right: int) -> str:
    return " " * left + s + " " * right


def _upper(s: str) -> str:
    """strings.ToUpper maps rune by rune: no "ß" -> "SS" as Python's upper()."""
    return "".join(u if len(u := c.upper()) == 1 else c for c in s)


def _lower(s: str) -> str:
    return "".join(u if len(u := c.lower()) == 1 else c for c in s)


def _not(v: Any) -> bool:
    return not is_true(v)


def builtins() -> dict[str, Func]:
    """A fresh table of every function a template may call."""
    return {
        # Go's predefined functions ("and"/"or" short-circuit in the evaluator).
        "and": Func(lambda *a: a[-1], ("any",), "any"),
        "or": Func(lambda *a: a[-1], ("any",), "any"),
        "not": Func(_not, ("any",)),
        "len": Func(_len, ("any",)),
        "index": Func(_index, ("any",), "any"),
        "slice": Func(_slice, ("any",), "int"),
        "call": Func(_call, ("any",), "any"),
        "print": Func(lambda *a: gofmt.sprint(a), (), "any"),
        "printf": Func(lambda f, *a: gofmt.sprintf(f, a), ("string",), "any"),
        "println": Func(lambda *a: gofmt.sprintln(a), (), "any"),
        "html": Func(_html, (), "any"),
        "js": Func(_js, (), "any"),
        "urlquery": Func(_urlquery, (), "any"),
        "eq": Func(_eq, ("any",), "any"),
        "ne": Func(_ne, ("any", "any")),
        "lt": Func(_lt, ("any", "any")),
        "le": Func(_le, ("any", "any")),
        "gt": Func(_gt, ("any", "any")),
        "ge": Func(_ge, ("any", "any")),
        # podman's and docker's additions.
        "json": Func(_json, ("any",)),
        "join": Func(lambda a, sep: sep.join(a), ("[]string", "string")),
        "lower": Func(_lower, ("string",)),
        "upper": Func(_upper, ("string",)),
        "title": Func(_title, ("string",)),
        "split": Func(_split, ("string", "string")),
        "truncate": Func(_truncate, ("string", "int")),
        "pad": Func(_pad, ("string", "int", "int")),
        "contains": Func(lambda s, sub: sub in s, ("string", "string")),
        "replace": Func(lambda s, old, new: s.replace(old, new), ("string", "string", "string")),
        "trim": Func(str.strip, ("string",)),
    }

"""JSON as Go's encoding/json writes it: struct fields in order, map keys sorted,
Go's float form, times in RFC 3339, ``<``, ``>`` and ``&`` escaped unless asked not to."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

from hutch.util.gotemplate.values import MISSING, Addressed, GoDuration, GoNil, GoTime, Struct

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


def _float(f: float) -> str:
    if math.isinf(f) or math.isnan(f):
        raise ValueError(f"json: unsupported value: {f}")
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        s = f"{f!r}"
        mant, _, exp = s.partition("e")
        if not exp:
            return s
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{digits}"
    s = repr(f)
    if "e" in s:  # repr chose an exponent Go would not use here
        return format(f, "f").rstrip("0").rstrip(".")
    return s


def _string(s: str, escape_html: bool) -> str:
    out = json.dumps(s, ensure_ascii=False)
    out = out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    out = out.replace("\\b", "\\u0008").replace("\\f", "\\u000c")
    if escape_html:
        out = out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return out


def dumps(value: Any, indent: int | None = None, escape_html: bool = True) -> str:
    """Go's json.Marshal (or MarshalIndent with ``indent`` spaces)."""
    return _encode(value, indent, escape_html, 0)


def _encode(v: Any, indent: int | None, esc: bool, depth: int) -> str:
    if v is None or v is MISSING or isinstance(v, GoNil):  # a nil slice or map
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, str):
        return _string(v, esc)
    if isinstance(v, GoTime):
        return '"' + v.rfc3339() + '"'
    if isinstance(v, GoDuration):
        return str(v.ns)
    if isinstance(v, Addressed):
        return _string(v.text, esc)
    if isinstance(v, Struct):
        pairs = []
        for k, x in v.data_fields():
            name, _, opts = v.json_names.get(k, k).partition(",")
            if opts == "omitempty" and _empty(x):
                continue
            pairs.append((name, x))
    elif isinstance(v, Mapping):
        pairs = sorted(((str(k), x) for k, x in v.items()), key=lambda p: p[0])
    elif isinstance(v, Sequence) and not isinstance(v, bytes):
        items = [_encode(x, indent, esc, depth + 1) for x in v]
        return _wrap("[", "]", items, indent, depth)
    else:
        return _string(str(v), esc)
    items = [
        _string(k, esc) + (": " if indent is not None else ":") + _encode(x, indent, esc, depth + 1)
        for k, x in pairs
    ]
    return _wrap("{", "}", items, indent, depth)


def _empty(v: Any) -> bool:
    """encoding/json's empty value for omitempty: nil, false, 0, "", an empty list or map."""
    if v is None or v is MISSING:
        return True
    if isinstance(v, GoDuration):
        return v.ns == 0
    if isinstance(v, bool | int | float | str | list | tuple) or (
        isinstance(v, Mapping) and not isinstance(v, Struct)
    ):
        return not v
    return False


def _wrap(open_: str, close: str, items: list[str], indent: int | None, depth: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ",".join(items) + close
    pad = "\n" + " " * (indent * (depth + 1))
    return open_ + pad + ("," + pad).join(items) + "\n" + " " * (indent * depth) + close

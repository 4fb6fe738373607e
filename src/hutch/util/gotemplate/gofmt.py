"""Go's ``fmt`` verbs for Python values: ``%v`` (print), Sprint, Sprintln, Sprintf."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from hutch.util.gotemplate.values import MISSING, Addressed, GoDuration, GoTime, Struct, go_type

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


def float_g(f: float, exp_limit: int = 6) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64): the shortest digits that round-trip."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    sign = "-" if math.copysign(1.0, f) < 0 else ""
    mant, _, exp = repr(abs(f)).partition("e")
    whole, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = whole + frac
    dp = len(whole) + int(exp or 0)
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    if digits == "0":
        return sign + "0"
    e = dp - 1
    if e < -4 or e >= max(exp_limit, 0):
        tail = "." + digits[1:] if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if dp <= 0:
        return f"{sign}0.{'0' * -dp}{digits}"
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return f"{sign}{digits[:dp]}.{digits[dp:]}"


def value(v: Any, plus: bool = False) -> str:
    """``%v`` (``%+v`` with plus: struct fields named)."""
    if v is MISSING:
        return "<no value>"
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return float_g(v)
    if isinstance(v, str):
        return v
    if isinstance(v, GoTime | GoDuration):
        return str(v)
    if isinstance(v, Addressed):
        return value(v.inner, plus)
    if isinstance(v, Struct):
        if plus:
            return "{" + " ".join(f"{k}:{value(x, plus)}" for k, x in v.data_fields()) + "}"
        return "{" + " ".join(value(x, plus) for _, x in v.data_fields()) + "}"
    if isinstance(v, Mapping):
        return "map[" + " ".join(f"{value(k)}:{value(v[k], plus)}" for k in _sorted_keys(v)) + "]"
    if isinstance(v, Sequence):
        return "[" + " ".join(value(x, plus) for x in v) + "]"
    if isinstance(v, bytes):
        return "[" + " ".join(str(b) for b in v) + "]"
    return str(v)


def _sorted_keys(m: Mapping[Any, Any]) -> list[Any]:
    try:
        return sorted(m)
    except TypeError:
        return list(m)


def sprint(args: Sequence[Any]) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out = []
    for i, a in enumerate(args):
        if i > 0 and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(value(a))
    return "".join(out)


def sprintln(args: Sequence[Any]) -> str:
    return " ".join(value(a) for a in args) + "\n"


def quote(s: str) -> str:
    """strconv.Quote: Go escapes, printable Unicode kept."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        elif o < 0x10000:
            out.append(f"\\x{o:02x}" if o < 0x80 else f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


class _Spec:
    __slots__ = ("minus", "plus", "prec", "sharp", "space", "width", "zero")

    def __init__(self) -> None:
        self.minus = self.plus = self.sharp = self.zero = self.space = False
        self.width: int | None = None
        self.prec: int | None = None

    def pad(self, s: str, numeric: bool = False) -> str:
        if self.width is None or len(s) >= self.width:
            return s
        fill = self.width - len(s)
        if self.minus:
            return s + " " * fill
        if self.zero:
            sign = s[0] if s[:1] in ("-", "+", " ") else ""
            return sign + "0" * fill + s[len(sign) :]
        return " " * fill + s


def _bad(verb: str, arg: Any) -> str:
    if arg is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(arg)}={value(arg)})"


def _int(verb: str, n: int, spec: _Spec) -> str:
    neg = n < 0
    a = -n if neg else n
    if verb == "d":
        body = str(a)
    elif verb in "xX":
        body = f"{a:x}" if verb == "x" else f"{a:X}"
        if spec.sharp:
            body = ("0x" if verb == "x" else "0X") + body
    elif verb == "o":
        body = ("0" if spec.sharp else "") + f"{a:o}"
    elif verb == "O":
        body = "0o" + f"{a:o}"
    elif verb == "b":
        body = f"{a:b}"
    elif verb == "c":
        return spec.pad(chr(n))
    elif verb == "q":
        return spec.pad("'" + quote(chr(n))[1:-1].replace("'", "\\'").replace('\\"', '"') + "'")
    elif verb == "U":
        extra = f" '{chr(n)}'" if spec.sharp and chr(n).isprintable() else ""
        return spec.pad(f"U+{n:04X}{extra}")
    elif verb in "eEfFgG":
        return _bad(verb, n)
    else:
        return _bad(verb, n)
    if spec.prec is not None and len(body) < spec.prec:
        body = "0" * (spec.prec - len(body)) + body
    sign = "-" if neg else ("+" if spec.plus else (" " if spec.space else ""))
    return spec.pad(sign + body, numeric=spec.prec is None)


def _float(verb: str, f: float, spec: _Spec) -> str:
    if verb in "vgG" and spec.prec is None:
        body = float_g(abs(f))
        if verb == "G":
            body = body.upper()
    elif verb in "eEfFgGv":
        verb = "g" if verb == "v" else verb
        prec = 6 if spec.prec is None else spec.prec
        pyverb = "f" if verb == "F" else verb
        body = format(abs(f), f"{'#' if spec.sharp else ''}.{prec}{pyverb}")
    else:
        return _bad(verb, f)
    if math.isinf(f):
        body = "Inf"
    elif math.isnan(f):
        body = "NaN"
    neg = math.copysign(1.0, f) < 0 and not math.isnan(f)
    sign = (
        "-"
        if neg
        else ("+" if spec.plus or (math.isinf(f) and verb == "v") else (" " if spec.space else ""))
    )
    return spec.pad(sign + body, numeric=not math.isinf(f) and not math.isnan(f))


def _str(verb: str, s: str, spec: _Spec) -> str:
    if verb in "sv":
        if spec.prec is not None:
            s = s[: spec.prec]
        return spec.pad(s)
    if verb == "q":
        return spec.pad(quote(s))
    if verb in "xX":
        data = s.encode()
        out = data.hex() if verb == "x" else data.hex().upper()
        return spec.pad(out)
    return _bad(verb, s)


def format_one(verb: str, arg: Any, spec: _Spec) -> str:
    if verb == "T":
        return spec.pad(go_type(arg))
    if arg is MISSING:
        arg = None
    if verb == "v" and arg is not None and not isinstance(arg, bool | int | float | str):
        return spec.pad(value(arg, plus=spec.plus))
    if arg is None:
        return spec.pad("<nil>") if verb == "v" else _bad(verb, arg)
    if isinstance(arg, bool):
        if verb in "vt":
            return spec.pad("true" if arg else "false")
        return _bad(verb, arg)
    if isinstance(arg, int):
        return _int("d" if verb == "v" else verb, arg, spec)
    if isinstance(arg, float):
        return _float(verb, arg, spec)
    if isinstance(arg, str):
        return _str(verb, arg, spec)
    if isinstance(arg, GoTime):
        return _str(verb, str(arg), spec)
    if isinstance(arg, GoDuration):  # its String for %s, %q; its integer for %d
        return _str(verb, str(arg), spec) if verb in "sq" else _int(verb, arg.ns, spec)
    if isinstance(arg, Addressed):
        return format_one(verb, arg.inner, spec)
    if isinstance(arg, Struct):
        return "{" + " ".join(format_one(verb, x, spec) for _, x in arg.data_fields()) + "}"
    if isinstance(arg, Mapping):
        inner = " ".join(
            f"{format_one(verb, k, spec)}:{format_one(verb, arg[k], spec)}"
            for k in _sorted_keys(arg)
        )
        return "map[" + inner + "]"
    if isinstance(arg, Sequence):
        return "[" + " ".join(format_one(verb, x, spec) for x in arg) + "]"
    return _bad(verb, arg)


def _count(
    fmt: str, i: int, args: Sequence[Any], argi: int, bad: str, out: list[str]
) -> tuple[int | None, int, int]:
    """A width or precision at fmt[i]: digits, or ``*`` taking an int argument.

    Returns (the number or None, the new index, the new argument index).
    """
    if i < len(fmt) and fmt[i] == "*":
        if argi < len(args) and isinstance(args[argi], int):
            return args[argi], i + 1, argi + 1
        out.append(f"%!({bad})")
        return None, i + 1, argi + 1
    start = i
    while i < len(fmt) and fmt[i].isdigit():
        i += 1
    return (int(fmt[start:i]) if i > start else None), i, argi


def sprintf(fmt: str, args: Sequence[Any]) -> str:
    out: list[str] = []
    i, n = 0, len(fmt)
    argi = 0
    any_reordered = False
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        reordered = False
        while i < n and fmt[i] in "-+# 0":
            c = fmt[i]
            spec.minus |= c == "-"
            spec.plus |= c == "+"
            spec.sharp |= c == "#"
            spec.zero |= c == "0"
            spec.space |= c == " "
            i += 1
        width, i, argi = _count(fmt, i, args, argi, "BADWIDTH", out)
        if width is not None:
            spec.width = width
            if width < 0:
                spec.minus, spec.width = True, -width
        if i < n and fmt[i] == ".":
            prec, i, argi = _count(fmt, i + 1, args, argi, "BADPREC", out)
            spec.prec = prec or 0
        if i < n and fmt[i] == "[":
            close = fmt.find("]", i)
            index = fmt[i + 1 : close] if close > 0 else ""
            if not index.isdigit() or not 1 <= int(index) <= len(args):
                i = close + 1 if close > 0 else n
                out.append("%!" + (fmt[i] if i < n else "") + "(BADINDEX)")
                i += 1
                continue
            argi = int(index) - 1
            reordered = True
            i = close + 1
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(format_one(verb, args[argi], spec))
        argi += 1
        any_reordered = any_reordered or reordered
    if argi < len(args) and not any_reordered:
        extra = ", ".join("<nil>" if a is None else f"{go_type(a)}={value(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)

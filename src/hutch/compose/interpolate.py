"""Variable interpolation exactly as the Compose Specification has it.

``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}``,
``${VAR?err}``, ``${VAR:+alt}``, ``${VAR+alt}``, nesting inside defaults
(``${A:-${B:-x}}``) and ``$$`` for a literal ``$``. Text is parsed first and
evaluated after, so a default that is not used is never evaluated (its own
``:?`` cannot fire).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")

Lookup = Callable[[str], str | None]


class InterpolationError(ValueError):
    """The text is malformed, or a required variable is missing."""


@dataclass(frozen=True)
class _Var:
    name: str
    operator: str | None = None
    argument: tuple[str | _Var, ...] = ()


_Parts = tuple[str | _Var, ...]


def interpolate(text: str, lookup: Lookup, *, strict: bool = True) -> str:
    """Substitute every variable of ``text``; ``strict=False`` keeps a stray ``$``.

    Raises InterpolationError for an unterminated ``${``, a bad name, a ``$``
    followed by neither a name nor ``{`` (strict) or a ``?`` variable unset.
    """
    if "$" not in text:
        return text
    parts, end = _parse(text, 0, strict, inside=False)
    assert end == len(text)
    return _evaluate(parts, lookup)


def _parse(text: str, pos: int, strict: bool, *, inside: bool) -> tuple[_Parts, int]:
    """Parts from ``pos``: to the end, or (``inside``) to the unmatched ``}``."""
    parts: list[str | _Var] = []
    literal: list[str] = []
    depth = 0
    while pos < len(text):
        char = text[pos]
        if inside and char == "}":
            if depth == 0:
                break
            depth -= 1
        elif inside and char == "{":
            depth += 1
        elif char == "$":
            nxt = text[pos + 1 : pos + 2]
            if nxt == "$":
                literal.append("$")
                pos += 2
                continue
            var, after = _variable(text, pos, strict)
            if var is not None:
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(var)
                pos = after
                continue
        literal.append(char)
        pos += 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts), pos


def _variable(text: str, pos: int, strict: bool) -> tuple[_Var | None, int]:
    """The variable at ``text[pos] == "$"`` and the position after it."""
    if text[pos + 1 : pos + 2] == "{":
        match = _NAME.match(text, pos + 2)
        if match is None:
            if not strict:
                return None, pos
            raise InterpolationError(f"invalid interpolation format for {text!r}")
        at = match.end()
        if text[at : at + 1] == "}":
            return _Var(match.group()), at + 1
        operator = next((op for op in _OPERATORS if text.startswith(op, at)), None)
        if operator is None:
            if at >= len(text):
                raise InterpolationError(f"unterminated ${{ in {text!r}")
            raise InterpolationError(f"invalid interpolation format for {text!r}")
        argument, end = _parse(text, at + len(operator), strict, inside=True)
        if end >= len(text):
            raise InterpolationError(f"unterminated ${{ in {text!r}")
        return _Var(match.group(), operator, argument), end + 1
    match = _NAME.match(text, pos + 1)
    if match is not None:
        return _Var(match.group()), match.end()
    if strict:
        raise InterpolationError(
            f"invalid interpolation format for {text!r}: a '$' must be followed by a "
            "name or '{', or be written '$$'"
        )
    return None, pos


def _evaluate(parts: _Parts, lookup: Lookup) -> str:
    return "".join(p if isinstance(p, str) else _value(p, lookup) for p in parts)


def _value(var: _Var, lookup: Lookup) -> str:
    value = lookup(var.name)
    op = var.operator
    if op is None:
        return value or ""
    if op == ":-":
        return value if value else _evaluate(var.argument, lookup)
    if op == "-":
        return value if value is not None else _evaluate(var.argument, lookup)
    if op == ":+":
        return _evaluate(var.argument, lookup) if value else ""
    if op == "+":
        return _evaluate(var.argument, lookup) if value is not None else ""
    if (op == ":?" and not value) or (op == "?" and value is None):
        message = _evaluate(var.argument, lookup)
        raise InterpolationError(
            f"required variable {var.name} is missing a value" + (f": {message}" if message else "")
        )
    return value or ""

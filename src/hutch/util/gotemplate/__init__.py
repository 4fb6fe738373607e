"""Go's text/template for hutch's ``--format``: lexer, parser and evaluator.

No Python library implements Go's template language (its pipelines, variable
scoping, Go's fmt verbs and its error messages), so hutch carries its own;
it uses the standard library only, so every front end may import it. Values
are plain Python data plus :class:`Struct` and :class:`GoTime`
(see ``values.py`` for how they stand for Go's types).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hutch.util.gotemplate import gojson
from hutch.util.gotemplate.errors import TemplateError
from hutch.util.gotemplate.execute import State
from hutch.util.gotemplate.funcs import Func, FuncError, builtins
from hutch.util.gotemplate.nodes import ListNode
from hutch.util.gotemplate.parse import parse
from hutch.util.gotemplate.tabwriter import align
from hutch.util.gotemplate.values import MISSING, GoTime, Struct

__all__ = [
    "MISSING",
    "Func",
    "FuncError",
    "GoTime",
    "Struct",
    "Template",
    "TemplateError",
    "align",
    "gojson",
]


class Template:
    """A parsed template; :meth:`execute` renders it to a string (or raises)."""

    def __init__(self, name: str, text: str, funcs: Mapping[str, Func] | None = None) -> None:
        self.name = name
        self.text = text
        self.funcs = builtins()
        if funcs:
            self.funcs.update(funcs)
        self.root: ListNode
        self.root, self.defines = parse(name, text, self.funcs)

    def execute(self, data: Any) -> str:
        state = State(self.name, self.text, self.funcs, self.defines)
        state.push("$", data)
        try:
            state.walk(data, self.root)
        except RecursionError:
            raise state.fail("exceeded maximum template depth") from None
        return "".join(state.out)

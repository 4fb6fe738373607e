"""A parsed Go template (``Template``): parse once, execute on data."""

from __future__ import annotations

from collections.abc import Mapping

from hutch.util.gotemplate.errors import TemplateError
from hutch.util.gotemplate.execute import State
from hutch.util.gotemplate.funcs import Func, builtins
from hutch.util.gotemplate.nodes import ListNode
from hutch.util.gotemplate.parse import parse

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


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
            error = state.fail("exceeded maximum template depth")
            error.partial = "".join(state.out)
            raise error from None
        except TemplateError as e:
            e.partial = "".join(state.out)
            raise
        return "".join(state.out)

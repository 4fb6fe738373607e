"""Go's text/template for hutch's ``--format``: lexer, parser and evaluator.

No Python library implements Go's template language (its pipelines, variable
scoping, Go's fmt verbs and its error messages), so hutch carries its own;
it uses the standard library only, so every front end may import it. Values
are plain Python data plus :class:`Struct` and :class:`GoTime`
(see ``values.py`` for how they stand for Go's types).

The package's names are imported on first use (``__getattr__``): ``hutch ps``
needs only ``align`` for its table, not the lexer, parser and evaluator
(about a third of the command's start).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # mypy reads the name as typing's
if TYPE_CHECKING:
    from hutch.util.gotemplate import gojson
    from hutch.util.gotemplate.errors import TemplateError
    from hutch.util.gotemplate.funcs import Func, FuncError
    from hutch.util.gotemplate.reads import fields_read
    from hutch.util.gotemplate.tabwriter import align
    from hutch.util.gotemplate.template import Template
    from hutch.util.gotemplate.values import (
        MISSING,
        Addressed,
        GoDuration,
        GoTime,
        NilMap,
        NilSlice,
        Struct,
    )

__all__ = [
    "MISSING",
    "Addressed",
    "Func",
    "FuncError",
    "GoDuration",
    "GoTime",
    "NilMap",
    "NilSlice",
    "Struct",
    "Template",
    "TemplateError",
    "align",
    "fields_read",
    "gojson",
]

# name -> the module that defines it
_WHERE = {
    "MISSING": "values",
    "Addressed": "values",
    "GoDuration": "values",
    "GoTime": "values",
    "NilMap": "values",
    "NilSlice": "values",
    "Struct": "values",
    "Func": "funcs",
    "FuncError": "funcs",
    "Template": "template",
    "TemplateError": "errors",
    "align": "tabwriter",
    "fields_read": "reads",
    "gojson": "gojson",
}


def __getattr__(name: str) -> object:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{where}")
    value = module if where == name else getattr(module, name)
    globals()[name] = value
    return value

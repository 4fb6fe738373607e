"""A dataclass's ``ClassVar`` needs ``typing`` at run time in its module.

With ``from __future__ import annotations`` every annotation is text, and
``dataclasses`` reads the text ``ClassVar[...]`` as a class variable only when
``typing`` is already loaded: otherwise it makes it a field (with the value as its
default), silently. Since the everyday commands load no ``typing`` (issue 16), a
module whose dataclass declares a ``ClassVar`` must import it at module level, not
under ``if TYPE_CHECKING:`` (api/container_inspect.py leaves its ``JSON_ORDER``s
unannotated instead).
"""

from __future__ import annotations

import ast
from pathlib import Path

import hutch

SRC = Path(hutch.__file__).parent


def _is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target).split(".")[-1] == "dataclass":
            return True
    return False


def _declares_classvar(node: ast.ClassDef) -> bool:
    return any(
        isinstance(item, ast.AnnAssign)
        and ast.unparse(item.annotation).split("[")[0].split(".")[-1] == "ClassVar"
        for item in node.body
    )


def _imports_typing_at_run_time(tree: ast.Module) -> bool:
    for node in tree.body:  # module level only: not a function's, not TYPE_CHECKING's
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "typing"
            and any(alias.name == "ClassVar" for alias in node.names)
        ):
            return True
        if isinstance(node, ast.Import) and any(a.name == "typing" for a in node.names):
            return True
    return False


def offenders(text: str) -> list[str]:
    tree = ast.parse(text)
    classes = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and _is_dataclass(node) and _declares_classvar(node)
    ]
    return [] if _imports_typing_at_run_time(tree) else classes


def test_every_dataclass_classvar_has_typing_loaded() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text()
        if "ClassVar" in text:  # the parse only where it can matter
            found += [f"{path.relative_to(SRC)}: {name}" for name in offenders(text)]
    assert found == []


def test_the_check_sees_a_classvar_under_type_checking() -> None:
    bad = (
        "from dataclasses import dataclass\n"
        "TYPE_CHECKING = False\n"
        "if TYPE_CHECKING:\n"
        "    from typing import ClassVar\n"
        "@dataclass(frozen=True)\n"
        "class A:\n"
        "    K: ClassVar[int] = 1\n"
    )
    assert offenders(bad) == ["A"]
    good = bad.replace("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    ", "")
    assert offenders(good) == []

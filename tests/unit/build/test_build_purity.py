"""The parser modules are pure: standard library and hutch.api.errors only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import hutch.build

PURE = ("parser", "instructions", "substitute", "values", "ignore")
ALLOWED_HUTCH = {
    "hutch.api.errors",
    "hutch.build",
    "hutch.build.instructions",
    "hutch.build.substitute",
    "hutch.build.values",
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("name", PURE)
def test_module_imports_only_stdlib_and_api_errors(name: str) -> None:
    path = Path(hutch.build.__file__).parent / f"{name}.py"
    modules = imported_modules(path)
    assert modules, "the check must see the module's imports"
    for module in modules:
        top = module.split(".")[0]
        if top == "hutch":
            assert module in ALLOWED_HUTCH, f"{name}.py imports {module}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", (
                f"{name}.py imports {module}"
            )

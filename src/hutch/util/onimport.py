"""Run code around the first import of one standard module, without importing it.

hutch adjusts two modules of the standard library at their import, and only
then, since most commands never import them: ``dataclasses`` (its generated
code from a cache, util/codecache.py) and ``pathlib`` (which need not load
``urllib.parse``, util/pathlib_quote.py). Importing either up front would cost
``hutch --version`` what the adjustment saves.

``when_imported`` puts a finder at the front of ``sys.meta_path``. It finds
nothing itself: at the import of its module it asks the finders after it for
the spec, wraps that spec's loader, and leaves ``sys.meta_path``. The wrapper
runs ``before``, the module's own loader, then ``after`` with the module and
what ``before`` returned (also when the module's code fails).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing costs every command an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any


def when_imported(
    name: str,
    before: Callable[[], object],
    after: Callable[[ModuleType, object], None],
) -> None:
    """``before()`` and ``after(module, what before returned)`` around the first
    import of the top-level module ``name``; at once if it is already imported
    (``before`` then has nothing to prepare and is not called)."""
    module = sys.modules.get(name)
    if module is not None:
        after(module, None)
        return
    sys.meta_path.insert(0, _Finder(name, before, after))


class _Finder:
    def __init__(
        self,
        name: str,
        before: Callable[[], object],
        after: Callable[[ModuleType, object], None],
    ) -> None:
        self.name = name
        self.before = before
        self.after = after

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != self.name:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec: ModuleSpec | None = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    # duck-typed: importlib.abc (the nominal type) costs an import
                    spec.loader = _Loader(spec.loader, self.before, self.after)  # type: ignore[assignment]
                return spec
        return None


class _Loader:
    """The module's own loader, between ``before`` and ``after``."""

    def __init__(
        self,
        loader: Any,
        before: Callable[[], object],
        after: Callable[[ModuleType, object], None],
    ) -> None:
        self.loader = loader
        self.before = before
        self.after = after

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module keeps its own loader (tracebacks and inspect read source through it).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        prepared = self.before()
        try:
            self.loader.exec_module(module)
        finally:
            self.after(module, prepared)

"""Run code at the first import of one standard module, without importing it.

hutch adjusts two modules of the standard library at their import, and only
then, since most commands never import them: ``dataclasses`` (its generated
code from a cache, util/codecache.py) and ``pathlib`` (which need not load
``urllib.parse``, util/pathlib_quote.py). Importing either up front would cost
``hutch --version`` what the adjustment saves. Both also keep a module they
import from loading with them (``inspect``, ``urllib.parse``): a stand-in sits in
``sys.modules`` while they load and leaves it right after, so that a later
import of that module is the real one.

``when_imported`` puts a finder at the front of ``sys.meta_path``. It finds
nothing itself: at the import of its module it asks the finders after it for
the spec, wraps that spec's loader, and leaves ``sys.meta_path``. The wrapper
puts the stand-ins in place (for the modules not imported yet), runs the
module's own loader, takes the stand-ins out again (also when the module's code
fails), then runs ``after`` with the module.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing costs every command an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

    StandIns = Mapping[str, Callable[[], ModuleType]]


def when_imported(
    name: str,
    after: Callable[[ModuleType], None] | None = None,
    stand_ins: StandIns | None = None,
) -> None:
    """``after(module)`` at the first import of the top-level module ``name``, at
    once if it is already imported; ``stand_ins``: the modules made by their
    function for ``sys.modules`` while ``name`` loads (none is needed once it is
    imported)."""
    module = sys.modules.get(name)
    if module is None:
        sys.meta_path.insert(0, _Finder(name, after, stand_ins or {}))
    elif after is not None:
        after(module)


class _Finder:
    def __init__(
        self, name: str, after: Callable[[ModuleType], None] | None, stand_ins: StandIns
    ) -> None:
        self.name = name
        self.after = after
        self.stand_ins = stand_ins

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
                    spec.loader = _Loader(spec.loader, self.after, self.stand_ins)  # type: ignore[assignment]
                return spec
        return None


class _Loader:
    """The module's own loader, with the stand-ins in place, then ``after``."""

    def __init__(
        self, loader: Any, after: Callable[[ModuleType], None] | None, stand_ins: StandIns
    ) -> None:
        self.loader = loader
        self.after = after
        self.stand_ins = stand_ins

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module keeps its own loader (tracebacks and inspect read source through it).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        placed = {}
        for other, make in self.stand_ins.items():
            if other not in sys.modules:  # the real one is there already: it is used
                placed[other] = sys.modules[other] = make()
        try:
            self.loader.exec_module(module)
        finally:
            for other, stand_in in placed.items():
                if sys.modules.get(other) is stand_in:  # not replaced by the real one
                    del sys.modules[other]
        if self.after is not None:
            self.after(module)

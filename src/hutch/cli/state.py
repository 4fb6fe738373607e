"""Global options and the lazily built engine, passed through typer's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from hutch.api.compose import ComposeFrontEnd
    from hutch.api.engine import Engine


class AppState:
    # A plain class, not a dataclass: ``hutch --help`` then defines no
    # dataclass at all and never reads the code cache (util/codecache.py).
    def __init__(
        self,
        root: str | None = None,
        runroot: str | None = None,
        log_level: str = "warn",
        _engine: Engine | None = None,
    ) -> None:
        self.root = root
        self.runroot = runroot
        self.log_level = log_level
        self._engine = _engine

    def engine(self) -> Engine:
        """Build the engine on first use: ``--help`` never imports it."""
        if self._engine is None:
            from hutch.config.paths import default_paths
            from hutch.config.settings import load_settings
            from hutch.engine.engine import LocalEngine

            paths = default_paths(self.root, self.runroot)
            self._engine = LocalEngine(paths, load_settings(paths.settings_file))
        return self._engine

    def compose(self) -> ComposeFrontEnd:
        """The compose front end (layer 5), imported only by ``hutch compose``."""
        from hutch.compose.frontend import Compose

        return Compose(self.engine)


def state_of(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        raise RuntimeError("hutch CLI state missing")
    return obj

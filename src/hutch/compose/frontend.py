"""``ComposeFrontEnd`` (api.compose): what the CLI calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hutch.api.compose import ComposeModel, ComposeProjectOptions
from hutch.compose.project import Project, load_project

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.compose.planner import Runner


class Compose:
    def __init__(
        self,
        engine: Callable[[], Engine],
        new_engine: Callable[[], Engine] | None = None,
        schema_cache: Path | None = None,
    ) -> None:
        self._engine = engine  # built only when a command needs it (not for config)
        self._new_engine = new_engine  # None: one engine only, services in turn
        self._schema_cache = schema_cache  # the models that passed (schema.py)

    def load(self, options: ComposeProjectOptions) -> Project:
        return load_project(options, self._schema_cache)

    def runner(self, project: ComposeModel) -> Runner:
        from hutch.compose.planner import Runner

        if not isinstance(project, Project):
            raise TypeError("a project loaded by this front end is needed")
        return Runner(self._engine(), project, self._new_engine)

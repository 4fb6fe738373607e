"""``ComposeFrontEnd`` (api.compose): what the CLI calls.

The loader and the planner are imported when a verb needs them: ``compose ps``
of an unchanged project uses neither (compose/modelcache.py, compose/listing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hutch.api.compose import ComposeContainer, ComposeModel, ComposeProjectOptions
from hutch.compose.model import Project

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.compose.modelcache import Probes
    from hutch.compose.planner import Runner


class Compose:
    def __init__(
        self,
        engine: Callable[[], Engine],
        new_engine: Callable[[], Engine] | None = None,
        schema_cache: Path | None = None,
        model_cache: Path | None = None,
    ) -> None:
        self._engine = engine  # built only when a command needs it (not for config)
        self._new_engine = new_engine  # None: one engine only, services in turn
        self._schema_cache = schema_cache  # the models that passed (schema.py)
        self._model_cache = model_cache  # the projects kept (modelcache.py; None: none)

    def load(self, options: ComposeProjectOptions, *, reuse: bool = False) -> Project:
        from hutch.compose import modelcache

        if not reuse or self._model_cache is None:
            return _load(options, self._schema_cache)
        kept = modelcache.lookup(self._model_cache, options)
        if kept is not None:
            return kept
        probes = modelcache.Probes()
        project = _load(options, self._schema_cache, probes)
        modelcache.store(self._model_cache, options, project, probes)
        return project

    def containers(
        self, project: ComposeModel, all: bool, services: tuple[str, ...]
    ) -> list[ComposeContainer]:
        from hutch.compose import listing

        return listing.containers(self._engine(), _project(project), all, services)

    def forget(self, project: ComposeModel) -> bool:
        from hutch.compose import listing, modelcache

        if self._model_cache is None or listing.any_left(self._engine(), project.name):
            return False
        return modelcache.forget(self._model_cache, project.name) > 0

    def runner(self, project: ComposeModel) -> Runner:
        from hutch.compose.planner import Runner

        return Runner(self._engine(), _project(project), self._new_engine)


def _load(
    options: ComposeProjectOptions, schema_cache: Path | None, probes: Probes | None = None
) -> Project:
    from hutch.compose.project import load_project

    return load_project(options, schema_cache, probes)


def _project(project: ComposeModel) -> Project:
    if not isinstance(project, Project):
        raise TypeError("a project loaded by this front end is needed")
    return project

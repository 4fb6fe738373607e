"""``ComposeFrontEnd`` (api.compose): what the CLI calls."""

from __future__ import annotations

from hutch.api.compose import ComposeProjectOptions
from hutch.compose.project import Project, load_project


class Compose:
    def load(self, options: ComposeProjectOptions) -> Project:
        return load_project(options)

"""The engine interface of resource limits: update and stats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hutch.api.options_resources import ResourceOptions
from hutch.api.reports_resources import StatsReport


class ResourceEngine(Protocol):
    def update(self, name: str, options: ResourceOptions) -> str:
        """Change the limits of a container (applied at once when it runs); its id."""
        ...

    def stats(self, names: Sequence[str], all: bool) -> list[StatsReport]:
        """One sample of each running container with a cgroup (all running ones when empty)."""
        ...

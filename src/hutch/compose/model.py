"""``Project``: a loaded compose model (compose/project.py loads it; compose/modelcache.py
keeps it between commands). Its own module, so that a project read back from the
cache needs none of the loading code (YAML, the schema, normalisation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hutch.compose.locate import Locator

# the prefix of the labels that mark a project's containers, networks and volumes
LABEL = "com.docker.compose"


@dataclass(frozen=True)
class Project:
    name: str
    working_dir: str
    config_files: tuple[str, ...]
    model: Mapping[str, Any]  # normalised: what ``compose config`` prints
    all_profiles: tuple[str, ...]
    disabled: tuple[str, ...]  # services its profiles leave out
    environment: Mapping[str, str] = field(repr=False)
    warnings: tuple[str, ...] = ()
    # the file and line of each key, for errors; None when read back from the cache
    locator: Locator | None = field(default=None, repr=False, compare=False)

    @property
    def services(self) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self.model["services"]
        return result


def dependency_order(services: dict[str, Any]) -> list[str]:
    """Service names, each after the services it depends on (input is acyclic)."""
    order: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        done.add(name)
        for dependency in sorted(services[name].get("depends_on") or {}):
            if dependency in services:
                visit(dependency)
        order.append(name)

    for name in sorted(services):
        visit(name)
    return order

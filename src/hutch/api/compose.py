"""The compose front end as the CLI sees it: the project options and the loaded model.

``hutch.compose`` implements ``ComposeFrontEnd``; the CLI gets one from
``AppState.compose()`` and never imports the compose package itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ComposeProjectOptions:
    """``compose``'s global flags and the process context, made explicit."""

    cwd: str
    environ: Mapping[str, str]
    files: tuple[str, ...] = ()  # -f (``-`` is standard input)
    project_name: str | None = None  # -p
    project_directory: str | None = None
    env_files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    interpolate: bool = True
    services: tuple[str, ...] = ()  # named on the command line: enabled whatever their profiles
    read_stdin: Callable[[], str] | None = None


class ComposeModel(Protocol):
    """A loaded project: the normalised model ``compose config`` prints."""

    @property
    def name(self) -> str: ...
    @property
    def working_dir(self) -> str: ...
    @property
    def config_files(self) -> tuple[str, ...]: ...
    @property
    def model(self) -> Mapping[str, Any]: ...
    @property
    def all_profiles(self) -> tuple[str, ...]: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def services(self) -> Mapping[str, Any]: ...


class ComposeFrontEnd(Protocol):
    def load(self, options: ComposeProjectOptions) -> ComposeModel:
        """Find, read, merge, interpolate, validate, normalise (ComposeError: exit 125)."""
        ...

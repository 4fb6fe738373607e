"""The compose group's options, kept in the context, and the project they load.

No typer here: ``compose ps`` runs from the fast path (cli/fast.py) too, with
the group's values as the typer callback receives them (``group``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hutch.api.compose import ComposeProjectOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    import typer

    from hutch.api.compose import ComposeModel
    from hutch.cli.state import AppState

OPTIONS_KEY = "hutch.compose.options"
GROUP_KEY = "hutch.compose.group"  # the group's values as typer gave them
MODES = ("auto", "tty", "plain", "json", "quiet")  # --progress


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidArgument(f"invalid --progress {mode!r}: use auto, tty, plain, json or quiet")
    return mode


def progress_mode(group: Mapping[str, Any]) -> str:
    """``--progress``, else $COMPOSE_PROGRESS, else auto (checked: the group's first step)."""
    return check_mode(group["progress"] or os.environ.get("COMPOSE_PROGRESS") or "auto")


def options_of(group: Mapping[str, Any]) -> ComposeProjectOptions:
    """The group's values (``-f``, ``-p``, ...) and the process context, as options."""
    return ComposeProjectOptions(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        files=tuple(group["file"] or ()),
        project_name=group["project_name"],
        project_directory=group["project_directory"],
        env_files=tuple(group["env_file"] or ()),
        profiles=tuple(group["profile"] or ()),
        read_stdin=lambda: sys.stdin.read(),
    )


def project_options(ctx: typer.Context, **changes: Any) -> ComposeProjectOptions:
    """The group's options, with ``changes`` (for example the services named)."""
    options: ComposeProjectOptions = ctx.meta[OPTIONS_KEY]
    if not changes:
        return options
    return replace(options, **changes)


def load_model(ctx: typer.Context, named: Iterable[str] = (), **changes: Any) -> ComposeModel:
    """The project; each of the services ``named`` on the command line must be in it
    (docker compose's "no such service" for every verb, not an empty result)."""
    return load_project(state_of(ctx), project_options(ctx, **changes), named)


def load_project(
    state: AppState, options: ComposeProjectOptions, named: Iterable[str] = (), reuse: bool = False
) -> ComposeModel:
    """``load_model`` from the state and options (``reuse``: a kept project may answer)."""
    model = state.compose().load(options, reuse=reuse)
    for warning in model.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    for name in named:
        if name not in model.services:
            raise InvalidArgument(f"no such service: {name}")
    return model

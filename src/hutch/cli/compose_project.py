"""The compose group's options, kept in the context, and the project they load."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import typer

from hutch.api.compose import ComposeProjectOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.compose import ComposeModel

OPTIONS_KEY = "hutch.compose.options"


def project_options(ctx: typer.Context, **changes: Any) -> ComposeProjectOptions:
    """The group's options, with ``changes`` (for example the services named)."""
    options: ComposeProjectOptions = ctx.meta[OPTIONS_KEY]
    if not changes:
        return options
    return replace(options, **changes)


def load_model(ctx: typer.Context, named: Iterable[str] = (), **changes: Any) -> ComposeModel:
    """The project; each of the services ``named`` on the command line must be in it
    (docker compose's "no such service" for every verb, not an empty result)."""
    model = state_of(ctx).compose().load(project_options(ctx, **changes))
    for warning in model.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    for name in named:
        if name not in model.services:
            raise InvalidArgument(f"no such service: {name}")
    return model

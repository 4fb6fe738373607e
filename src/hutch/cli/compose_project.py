"""The compose group's options, kept in the context, and the project they load."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import typer

from hutch.api.compose import ComposeProjectOptions
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


def load_model(ctx: typer.Context, **changes: Any) -> ComposeModel:
    model = state_of(ctx).compose().load(project_options(ctx, **changes))
    for warning in model.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    return model

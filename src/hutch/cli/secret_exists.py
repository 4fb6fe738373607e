"""``hutch secret exists``: exit 0 if the secret exists, 1 if not."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(secret_app: typer.Typer) -> None:
    @secret_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Secret name or id.")]
    ) -> None:
        """Exit 0 if the secret exists, 1 if not."""
        raise typer.Exit(0 if state_of(ctx).engine().secrets.exists(name) else 1)

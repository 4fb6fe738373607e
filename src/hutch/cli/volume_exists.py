"""``hutch volume exists``: exit 0 if the volume exists, 1 if not."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Volume name.")]
    ) -> None:
        """Exit 0 if the volume exists, 1 if not."""
        raise typer.Exit(0 if state_of(ctx).engine().volumes.exists(name) else 1)

"""``hutch container cleanup``: what a detached monitor runs after an --rm exit."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(container_app: typer.Typer) -> None:
    @container_app.command("cleanup", hidden=True)
    def cleanup(
        ctx: typer.Context,
        container_id: Annotated[str, typer.Argument(help="Container id.")],
    ) -> None:
        """Remove an exited --rm container (run by its monitor)."""
        state_of(ctx).engine().containers.cleanup(container_id)

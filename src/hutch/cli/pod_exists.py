"""``hutch pod exists``: exit 0 if the pod exists, 1 if it does not."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Pod name or ID.")]
    ) -> None:
        """Exit 0 if the pod exists, 1 if it does not."""
        raise typer.Exit(0 if state_of(ctx).engine().pods.exists(name) else 1)

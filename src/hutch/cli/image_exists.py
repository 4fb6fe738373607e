"""``hutch image exists``: exit 0 when a local image matches, 1 when none does."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(image_app: typer.Typer) -> None:
    @image_app.command("exists")
    def exists(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image name, id or id prefix.")],
    ) -> None:
        """Check whether an image exists in local storage (exit 0) or not (exit 1)."""
        raise typer.Exit(0 if state_of(ctx).engine().images.exists(image) else 1)

"""``hutch tag`` / ``hutch image tag``: more names for an image."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def tag(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image to name (name, id or id prefix).")],
        targets: Annotated[list[str], typer.Argument(help="New names (NAME[:TAG]).")],
    ) -> None:
        """Add one or more names to a local image."""
        state_of(ctx).engine().images.tag(image, targets)

    app.command("tag")(tag)
    image_app.command("tag")(tag)

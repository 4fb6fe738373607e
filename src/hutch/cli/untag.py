"""``hutch untag`` / ``hutch image untag``: remove names from an image."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def untag(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image (name, id or id prefix).")],
        names: Annotated[
            list[str] | None, typer.Argument(help="Names to remove (default: all of them).")
        ] = None,
    ) -> None:
        """Remove names from a local image; the image itself stays."""
        state_of(ctx).engine().images.untag(image, names or [])

    app.command("untag")(untag)
    image_app.command("untag")(untag)

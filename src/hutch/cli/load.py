"""``hutch load`` / ``hutch image load``: images from a docker-archive or an OCI archive."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def load(
        ctx: typer.Context,
        input_: Annotated[
            str,
            typer.Option("--input", "-i", help="Archive or OCI layout to read (default: stdin)."),
        ] = "-",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing.")] = False,
    ) -> None:
        """Load images from a docker-archive, an oci-archive or an OCI layout directory."""
        names = state_of(ctx).engine().images.load(input_)
        if not quiet:
            for name in names:
                print(f"Loaded image: {name}")

    app.command("load")(load)
    image_app.command("load")(load)

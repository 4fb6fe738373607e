"""``hutch save`` / ``hutch image save``: images into an archive or a layout."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def save(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Images to save.")],
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="File (or directory) to write.")
        ] = None,
        fmt: Annotated[
            str,
            typer.Option(
                "--format", help="docker-archive (default), oci-archive, oci-dir, docker-dir."
            ),
        ] = "docker-archive",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing.")] = False,
    ) -> None:
        """Save images to an archive (docker-archive, oci-archive) or a directory."""
        from hutch.api.images import SaveOptions

        if output is None:
            if sys.stdout.isatty():
                raise InvalidArgument("refusing to write an archive to a terminal; use -o FILE")
            output = "/dev/stdout"
        state_of(ctx).engine().images.save(SaveOptions(tuple(names), output, fmt, quiet))

    app.command("save")(save)
    image_app.command("save")(save)

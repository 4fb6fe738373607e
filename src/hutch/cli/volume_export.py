"""``hutch volume export``: a volume's content as a tar archive (stdout by default)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("export")
    def export(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Volume name.")],
        output: Annotated[
            str | None,
            typer.Option("--output", "-o", help="Write the tar archive to this file."),
        ] = None,
    ) -> None:
        """Write the content of a volume as a tar archive (to standard output by default)."""
        engine = state_of(ctx).engine()
        try:
            if output is None:
                if sys.stdout.isatty():
                    raise InvalidArgument(
                        "cannot write a tar archive to a terminal: redirect the output or use "
                        "--output"
                    )
                engine.volumes.export(name, sys.stdout.buffer)
                return
            with open(output, "wb") as f:
                engine.volumes.export(name, f)
        except NoSuchObject:
            raise NoSuchObject(f"no such volume {name}") from None  # podman's words for export

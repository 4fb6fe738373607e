"""``hutch export`` / ``hutch container export``: a container's file system as a tar."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def export(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="Write to FILE, not stdout.")
        ] = None,
    ) -> None:
        """Export a container's file system as a tar archive."""
        from hutch.api.containers import ExportOptions

        options = ExportOptions(container, output)
        if output is None:
            if os.isatty(sys.stdout.fileno()):
                # podman's words (4.3.1 and current)
                raise InvalidArgument("refusing to export to terminal. Use -o flag or redirect")
            state_of(ctx).engine().containers.export(options, sys.stdout.buffer)
            return
        out: BinaryIO
        try:
            out = open(output, "wb")  # noqa: SIM115 - closed below
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()  # podman's (Go's) words
            raise InvalidArgument(f'creating file "{output}": open {output}: {reason}') from exc
        with out:
            state_of(ctx).engine().containers.export(options, out)

    app.command("export")(export)
    container_app.command("export")(export)

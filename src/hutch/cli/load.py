"""``hutch load`` / ``hutch image load``: images from a docker-archive or an OCI archive."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def load(
        ctx: typer.Context,
        input_: Annotated[
            str,
            typer.Option("--input", "-i", help="Archive or OCI layout to read (default: stdin)."),
        ] = "-",
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Suppress the progress output.")
        ] = False,
    ) -> None:
        """Load images from a docker-archive, an oci-archive or an OCI layout directory."""
        if input_ in ("", "-") and sys.stdin.isatty():
            raise InvalidArgument(  # podman's words: an archive is never typed in
                "cannot read from terminal, use command-line redirection or the --input flag"
            )
        progress = None if quiet else _stderr  # podman's lines, on stderr
        names = state_of(ctx).engine().images.load(input_, progress=progress)
        # podman prints the names with --quiet too: it silences only the progress,
        # so a script reads the same lines either way
        for name in names:
            print(f"Loaded image: {name}")

    app.command("load")(load)
    image_app.command("load")(load)

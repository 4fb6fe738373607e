"""``hutch save`` / ``hutch image save``: images into an archive or a layout."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


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
        multi: Annotated[
            bool,
            typer.Option(
                "--multi-image-archive",
                "-m",
                help="Each name is an image (docker-archive); without it the others are tags.",
            ),
        ] = False,
        uncompressed: Annotated[
            bool,
            typer.Option(
                "--uncompressed",
                help="oci-archive, oci-dir: the layers as stored (default: plain ones gzipped).",
            ),
        ] = False,
        compress: Annotated[
            bool | None,
            typer.Option(
                "--compress",
                help="Gzip the layers stored plain when saving to a directory (docker-dir).",
            ),
        ] = None,
    ) -> None:
        """Save images to an archive (docker-archive, oci-archive) or a directory."""
        from hutch.api.images import SaveOptions

        if output is None or output == "-":
            if sys.stdout.isatty():
                raise InvalidArgument("refusing to save to terminal. Use -o flag or redirect")
            output = "-"
        # podman's progress lines, on stderr; none for an archive on stdout
        progress = None if quiet or output == "-" else _stderr
        # the engine refuses --compress (given at all) with a format but docker-dir
        options = SaveOptions(
            tuple(names), output, fmt, quiet, multi, progress, uncompressed, compress
        )
        state_of(ctx).engine().images.save(options)

    app.command("save")(save)
    image_app.command("save")(save)

"""``hutch import``: make an image from a root filesystem tarball."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def import_cmd(
        ctx: typer.Context,
        source: Annotated[
            str,
            typer.Argument(
                help="Tarball (plain, gzip or zstd) of a root filesystem, or - for stdin."
            ),
        ],
        reference: Annotated[str | None, typer.Argument(help="Name for the image.")] = None,
        change: Annotated[
            list[str] | None,
            typer.Option("--change", "-c", help="Apply a Containerfile instruction to the config."),
        ] = None,
        message: Annotated[
            str | None,
            typer.Option("--message", "-m", help="Commit message recorded in the history."),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Suppress the progress output.")
        ] = False,
    ) -> None:
        """Import a tarball as a new single-layer image."""
        from hutch.api.images import ImportOptions

        report = (
            state_of(ctx)
            .engine()
            .images.import_(ImportOptions(source, reference, tuple(change or ()), message))
        )
        # podman prints the id with --quiet too (it silences only the progress, and
        # hutch prints none): scripts read the same line either way
        print(f"sha256:{report.id}")

    app.command("import")(import_cmd)
    image_app.command("import")(import_cmd)

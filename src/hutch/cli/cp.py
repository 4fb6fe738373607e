"""``hutch cp`` / ``hutch container cp``: copy files between containers and the host."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def cp(
        ctx: typer.Context,
        source: Annotated[
            str, typer.Argument(help="[CONTAINER:]SRC_PATH, or - for a tar on stdin.")
        ],
        destination: Annotated[
            str, typer.Argument(help="[CONTAINER:]DEST_PATH, or - for a tar on stdout.")
        ],
        archive: Annotated[
            bool,
            typer.Option(
                "--archive/--no-archive",
                "-a",
                help="Files copied into a container belong to its primary user "
                "(--no-archive keeps the ids of the source). Default: true.",
            ),
        ] = True,
        overwrite: Annotated[
            bool,
            typer.Option(
                "--overwrite",
                help="Allow directories to replace non-directories and the reverse.",
            ),
        ] = False,
        follow_link: Annotated[
            bool,
            typer.Option(
                "--follow-link",
                "-L",
                help="Copy a symlink source as its target (docker's flag; always so, as podman).",
            ),
        ] = False,
    ) -> None:
        """Copy files and directories between a container and the host, or two containers."""
        from hutch.api.containers import CopyOptions

        del follow_link  # podman's cp always follows a source that is a symlink
        state_of(ctx).engine().containers.copy(CopyOptions(source, destination, archive, overwrite))

    app.command("cp")(cp)
    container_app.command("cp")(cp)

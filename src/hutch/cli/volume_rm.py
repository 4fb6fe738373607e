"""``hutch volume rm``: remove volumes (a volume in use only with --force)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Volumes.")] = None,
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove the containers that use the volume first."),
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove all volumes.")] = False,
        time: Annotated[
            int | None,
            typer.Option(
                "--time", "-t", help="With --force: seconds for their stop before SIGKILL."
            ),
        ] = None,
    ) -> None:
        """Remove volumes (a volume in use only with --force)."""
        from hutch.api.volume_options import VolumeRemoveOptions

        options = VolumeRemoveOptions(force, all_, time)
        raise typer.Exit(print_reports(state_of(ctx).engine().volumes.remove(names or (), options)))

    volume_app.command("rm")(rm)
    volume_app.command("remove", hidden=True)(rm)

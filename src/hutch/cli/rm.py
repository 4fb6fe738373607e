"""``hutch rm`` / ``hutch container rm``: remove containers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Stop running containers first.")
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="All containers.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="Ignore containers that do not exist.")
        ] = False,
        time: Annotated[
            int | None,
            typer.Option(
                "--time", "-t", help="Seconds to wait for a stop before SIGKILL (with -f)."
            ),
        ] = None,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Remove the container's anonymous volumes.")
        ] = False,
    ) -> None:
        """Remove one or more containers."""
        from hutch.api.containers import RemoveContainerOptions

        if not names and not all_:
            raise InvalidArgument("you must provide at least one container name or id")
        reports = (
            state_of(ctx)
            .engine()
            .containers.remove(
                names or (), RemoveContainerOptions(force, all_, ignore, time, volumes)
            )
        )
        raise typer.Exit(print_reports(reports))

    app.command("rm")(rm)
    container_app.command("rm")(rm)

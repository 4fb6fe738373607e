"""``hutch rm`` / ``hutch container rm``: remove containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: t.Names = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Stop running containers first.")
        ] = False,
        all_: Annotated[bool, t.all_option("Remove all containers.")] = False,
        ignore: t.Ignore = False,
        time: Annotated[
            int | None,
            typer.Option(
                "--time",
                "-t",
                help="Seconds to wait for a stop before SIGKILL (with -f; -1: no limit).",
            ),
        ] = None,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Remove the container's anonymous volumes.")
        ] = False,
        latest: t.Latest = False,
        # -f is --force here, as in podman
        filters: Annotated[list[str] | None, typer.Option("--filter", help=t.FILTER_HELP)] = None,
        cidfiles: t.Cidfiles = None,
        depend: Annotated[
            bool,
            typer.Option("--depend", help="Remove the containers that depend on these ones first."),
        ] = False,
    ) -> None:
        """Remove one or more containers."""
        from hutch.api.containers import RemoveContainerOptions

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or (), ignore)]
        options = RemoveContainerOptions(
            force, all_, ignore, time, volumes, latest, tuple(filters or ()), depend
        )
        reports = state_of(ctx).engine().containers.remove(names, options)
        raise typer.Exit(print_reports(reports))

    app.command("rm")(rm)
    container_app.command("rm")(rm)

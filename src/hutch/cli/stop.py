"""``hutch stop`` and ``hutch restart``."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

Time = Annotated[
    int | None,
    typer.Option(
        "--time",
        "-t",
        help="Seconds to wait for the stop signal before SIGKILL (-1: no limit).",
    ),
]


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def stop(
        ctx: typer.Context,
        names: t.Names = None,
        time: Time = None,
        all_: Annotated[bool, t.all_option("Stop all containers.")] = False,
        ignore: t.Ignore = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Stop running containers: the stop signal, then SIGKILL after the timeout."""
        from hutch.api.containers import StopOptions

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or (), ignore)]
        options = StopOptions(time, all_, ignore, latest, tuple(filters or ()))
        reports = state_of(ctx).engine().containers.stop(names, options)
        raise typer.Exit(print_reports(reports))

    def restart(
        ctx: typer.Context,
        names: t.Names = None,
        time: Time = None,
        all_: Annotated[bool, t.all_option("Restart all containers.")] = False,
        running: Annotated[
            bool, typer.Option("--running", help="With --all: only the running containers.")
        ] = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Stop and start containers again."""
        from hutch.api.containers import StopOptions

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or ())]
        options = StopOptions(time, all_, False, latest, tuple(filters or ()), running=running)
        reports = state_of(ctx).engine().containers.restart(names, options)
        raise typer.Exit(print_reports(reports))

    for target in (app, container_app):
        target.command("stop")(stop)
        target.command("restart")(restart)

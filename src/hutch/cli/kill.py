"""``hutch kill``: send a signal to containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def kill(
        ctx: typer.Context,
        names: t.Names = None,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (name or number).")
        ] = "SIGKILL",
        all_: Annotated[bool, t.all_option("Signal all running containers.")] = False,
        latest: t.Latest = False,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Send a signal (SIGKILL by default) to the main process of containers."""
        from hutch.api.container_actions import KillOptions

        t.check(names or (), all_=all_, latest=latest, cidfiles=cidfiles or ())
        names = [*(names or ()), *t.read_cidfiles(cidfiles or ())]
        reports = state_of(ctx).engine().containers.kill(names, KillOptions(signal, all_, latest))
        raise typer.Exit(print_reports(reports))

    app.command("kill")(kill)
    container_app.command("kill")(kill)

"""``hutch kill``: send a signal to containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def kill(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (name or number).")
        ] = "SIGKILL",
        all_: Annotated[bool, typer.Option("--all", "-a", help="All containers.")] = False,
    ) -> None:
        """Send a signal (SIGKILL by default) to the main process of containers."""
        from hutch.api.containers import KillOptions

        if not names and not all_:
            raise InvalidArgument("you must provide at least one container name or id")
        reports = state_of(ctx).engine().containers.kill(names or [], KillOptions(signal, all_))
        raise typer.Exit(print_reports(reports))

    app.command("kill")(kill)
    container_app.command("kill")(kill)

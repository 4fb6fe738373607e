"""``hutch pause`` and ``hutch unpause``: stop and resume all processes of containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def pause(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Pause all running containers.")
        ] = False,
    ) -> None:
        """Pause all processes in one or more containers."""
        from hutch.api.containers import PauseOptions

        if not names and not all_:
            raise InvalidArgument("you must provide at least one container name or id")
        raise typer.Exit(
            print_reports(state_of(ctx).engine().containers.pause(names or [], PauseOptions(all_)))
        )

    def unpause(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="Unpause all paused containers.")
        ] = False,
    ) -> None:
        """Unpause all processes in one or more containers."""
        from hutch.api.containers import PauseOptions

        if not names and not all_:
            raise InvalidArgument("you must provide at least one container name or id")
        raise typer.Exit(
            print_reports(
                state_of(ctx).engine().containers.unpause(names or [], PauseOptions(all_))
            )
        )

    for target in (app, container_app):
        target.command("pause")(pause)
        target.command("unpause")(unpause)

"""``hutch pause`` and ``hutch unpause``: stop and resume all processes of containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import targets as t
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def pause(
        ctx: typer.Context,
        names: t.Names = None,
        all_: Annotated[bool, t.all_option("Pause all running containers.")] = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Pause all processes in one or more containers."""
        from hutch.api.containers import PauseOptions

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or ())]
        options = PauseOptions(all_, latest, tuple(filters or ()))
        raise typer.Exit(print_reports(state_of(ctx).engine().containers.pause(names, options)))

    def unpause(
        ctx: typer.Context,
        names: t.Names = None,
        all_: Annotated[bool, t.all_option("Unpause all paused containers.")] = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Unpause all processes in one or more containers."""
        from hutch.api.containers import PauseOptions

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or ())]
        options = PauseOptions(all_, latest, tuple(filters or ()))
        raise typer.Exit(print_reports(state_of(ctx).engine().containers.unpause(names, options)))

    for target in (app, container_app):
        target.command("pause")(pause)
        target.command("unpause")(unpause)

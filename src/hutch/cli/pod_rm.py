"""``hutch pod rm``: remove pods and their containers (running ones only with --force)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.reports import by_id, print_reports
from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Pods.")] = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Stop running containers first.")
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove every pod.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="A missing pod is no error.")
        ] = False,
        time: Annotated[
            int | None,
            typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL."),
        ] = None,
    ) -> None:
        """Remove pods and their containers."""
        from hutch.api.errors import InvalidArgument
        from hutch.api.pods import PodRemoveOptions

        if all_ and names:
            raise InvalidArgument("when using the --all switch, you may not pass any pods")
        if not all_ and not names:
            raise InvalidArgument("you must provide at least one pod name or id")
        options = PodRemoveOptions(force=force, all=all_, ignore=ignore, timeout=time)
        reports = state_of(ctx).engine().pods.remove(names or (), options)
        raise typer.Exit(print_reports(by_id(reports)))

    pod_app.command("rm")(rm)
    pod_app.command("remove", hidden=True)(rm)

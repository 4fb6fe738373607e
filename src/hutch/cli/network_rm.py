"""``hutch network rm``: remove networks (a network in use only with --force)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove the containers on the network too."),
        ] = False,
        time: Annotated[
            int | None,
            typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL."),
        ] = None,
    ) -> None:
        """Remove networks (a network in use only with --force)."""
        from hutch.api.networks import NetworkRemoveOptions

        options = NetworkRemoveOptions(force, time)
        reports = state_of(ctx).engine().networks.remove(names, options)
        raise typer.Exit(print_reports(reports))

    network_app.command("rm")(rm)
    network_app.command("remove", hidden=True)(rm)

"""``hutch network prune``: remove every network that no container uses."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.confirm import confirmed
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    @network_app.command("prune")
    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: Annotated[
            list[str] | None, typer.Option("--filter", help="label=KEY[=VALUE], name=, driver=.")
        ] = None,
    ) -> None:
        """Remove every network that no container uses."""
        if not force and not confirmed(
            "This will remove all networks not used by at least one container."
        ):
            return
        for report in state_of(ctx).engine().networks.prune(tuple(filters or ())):
            print(report.id)

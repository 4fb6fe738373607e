"""``hutch volume prune``: remove every unused volume that the filters match."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.confirm import confirmed
from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("prune")
    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                help="label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME|DURATION (repeatable).",
            ),
        ] = None,
    ) -> None:
        """Remove every volume that no container uses (and that the filters match)."""
        if not force and not confirmed(
            "This will remove all volumes not used by at least one container."
        ):
            return
        for report in state_of(ctx).engine().volumes.prune(tuple(filters or ())):
            print(report.id)

"""``hutch rename``, ``hutch container exists`` and ``hutch container prune``."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.confirm import confirmed
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def rename(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container to rename.")],
        new_name: Annotated[str, typer.Argument(help="Its new name.")],
    ) -> None:
        """Rename a container."""
        state_of(ctx).engine().containers.rename(container, new_name)

    def exists(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container name, id or id prefix.")],
    ) -> None:
        """Check whether a container exists (exit 0) or not (exit 1)."""
        raise typer.Exit(0 if state_of(ctx).engine().containers.exists(container) else 1)

    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
    ) -> None:
        """Remove all stopped containers and print their ids."""
        if not force and not confirmed("This will remove all stopped containers."):
            return
        reports = state_of(ctx).engine().containers.prune()
        code = print_reports([r for r in reports if r.error is not None])
        for report in reports:
            if report.error is None:
                print(report.id)
        raise typer.Exit(code)

    app.command("rename")(rename)
    container_app.command("rename")(rename)
    container_app.command("exists")(exists)
    container_app.command("prune")(prune)

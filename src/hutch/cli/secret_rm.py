"""``hutch secret rm``: remove secrets (containers keep the copies they were given)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of


def register(secret_app: typer.Typer) -> None:
    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Secrets (names or ids).")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove all secrets.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="Ignore secrets that do not exist.")
        ] = False,
    ) -> None:
        """Remove secrets (containers keep the copies they were given)."""
        if bool(names) == all_:
            raise InvalidArgument("`hutch secret rm` requires one argument, or the --all flag")
        reports = state_of(ctx).engine().secrets.remove(names or (), all_, ignore)
        raise typer.Exit(print_reports(reports))

    secret_app.command("rm")(rm)
    secret_app.command("remove", hidden=True)(rm)

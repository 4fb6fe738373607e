"""``hutch unshare``: a shell (or command) inside the session user namespace."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(app: typer.Typer) -> None:
    @app.command(
        "unshare",
        context_settings={"allow_interspersed_args": False, "help_option_names": ["--help"]},
    )
    def unshare(
        ctx: typer.Context,
        command: Annotated[
            list[str] | None, typer.Argument(help="Command to run (default: $SHELL).")
        ] = None,
    ) -> None:
        """Run a command in the user namespace hutch uses for storage and containers."""
        raise typer.Exit(state_of(ctx).engine().system.unshare(command or []))

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
        rootless_netns: Annotated[
            bool,
            typer.Option(
                "--rootless-netns",
                help="Join the rootless network namespace of user-defined networks too.",
            ),
        ] = False,
        command: Annotated[
            list[str] | None, typer.Argument(help="Command to run (default: $SHELL).")
        ] = None,
    ) -> None:
        """Run a command in the user namespace hutch uses for storage and containers."""
        system = state_of(ctx).engine().system
        raise typer.Exit(system.unshare(command or [], rootless_netns=rootless_netns))

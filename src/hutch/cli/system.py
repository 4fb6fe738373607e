"""``hutch system migrate`` and ``hutch system reset``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(system_app: typer.Typer) -> None:
    @system_app.command("migrate")
    def migrate(ctx: typer.Context) -> None:
        """Stop the session namespace so that the next command rebuilds it
        (after /etc/subuid or /etc/subgid changed)."""
        stopped = state_of(ctx).engine().system.migrate()
        if stopped:
            print(
                "stopped the session namespace; the next command creates a new one", file=sys.stderr
            )

    @system_app.command("reset")
    def reset(
        ctx: typer.Context,
        force: Annotated[bool, typer.Option("--force", "-f", help="Do not ask.")] = False,
    ) -> None:
        """Remove all images, containers and storage, and stop the session namespace."""
        if not force:
            answer = input("This removes all images and containers. Continue? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise typer.Exit(0)
        state_of(ctx).engine().system.reset()

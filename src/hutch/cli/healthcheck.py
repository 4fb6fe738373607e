"""``hutch healthcheck run``: run a container's health check now."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of

CONTEXT = {"help_option_names": ["--help"]}


def register(app: typer.Typer) -> None:
    health_app = typer.Typer(
        help="Manage health checks of containers.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @health_app.command("run")
    def run(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
    ) -> None:
        """Run the container's health check; exit 0 when healthy, 1 when not."""
        report = state_of(ctx).engine().containers.healthcheck(container)
        if report.exit_code == 0:
            raise typer.Exit(0)
        print("unhealthy")
        raise typer.Exit(1)

    app.add_typer(health_app, name="healthcheck")

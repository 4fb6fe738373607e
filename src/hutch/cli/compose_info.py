"""``compose wait``: wait for services' containers to exit (``port``, ``top`` and
``images``: cli/compose_views.py, ``ls``: cli/compose_ls.py, which start without typer)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.compose import ComposeDownOptions
from hutch.api.containers import WaitOptions
from hutch.api.errors import InvalidArgument
from hutch.cli.compose_project import load_model
from hutch.cli.state import state_of


def add_commands(compose_app: typer.Typer) -> None:
    @compose_app.command("wait")
    def wait(
        ctx: typer.Context,
        services: Annotated[list[str], typer.Argument(help="Services.")],
        down_project: Annotated[
            bool, typer.Option("--down-project", help="Stop the project when the first exits.")
        ] = False,
    ) -> int:
        """Wait for the services' containers to exit; exit with the first one's code."""
        project = load_model(ctx, services, profiles=("*",))
        runner = state_of(ctx).compose().runner(project)
        found = runner.containers(True, tuple(services))
        if not found:
            raise InvalidArgument("no containers for the services named")
        reports = (
            state_of(ctx)
            .engine()
            .containers.wait([c.name for c in found], WaitOptions(("exited",)))
        )
        if down_project:
            runner.down(ComposeDownOptions(), lambda line: None)
        return reports[0].exit_code

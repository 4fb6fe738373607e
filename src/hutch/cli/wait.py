"""``hutch wait``: block until containers reach a condition; print exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import targets as t
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def wait(
        ctx: typer.Context,
        names: t.Names = None,
        condition: Annotated[
            list[str] | None,
            typer.Option(
                "--condition",
                help="State or condition to wait for (repeatable, any one ends the wait): "
                "configured, created, exited, healthy, initialized, paused, removing, "
                "running, stopped (default), stopping, unhealthy.",
            ),
        ] = None,
        interval: Annotated[
            str,
            typer.Option("--interval", "-i", help="Time between two polls (a duration; bare: ms)."),
        ] = "250ms",
        ignore: Annotated[
            bool,
            typer.Option("--ignore", help="A missing container is no error: its code is -1."),
        ] = False,
        latest: t.Latest = False,
    ) -> None:
        """Wait for containers to stop (or meet a condition) and print their exit codes."""
        from hutch.api.containers import WaitOptions

        if not names and not latest:
            raise InvalidArgument('"hutch wait" requires a name, id, or the "--latest" flag')
        if names and latest:
            raise InvalidArgument("--latest and containers cannot be used together")
        options = WaitOptions(tuple(condition or ()), interval, ignore, latest)
        reports = state_of(ctx).engine().containers.wait(names or (), options)
        code = 0
        for report in reports:
            if report.error is not None:
                sys.stdout.flush()  # the codes printed so far come first on a shared pipe
                sys.stderr.write(f"Error: {report.error}\n")
                code = code or report.exit_code
            else:
                print(report.exit_code)
        raise typer.Exit(code)

    app.command("wait")(wait)
    container_app.command("wait")(wait)

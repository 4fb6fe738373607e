"""``hutch wait``: block until containers reach a condition; print exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def wait(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Containers.")],
        condition: Annotated[
            list[str] | None,
            typer.Option("--condition", help="Condition to wait for (default: stopped)."),
        ] = None,
    ) -> None:
        """Wait for containers to stop and print their exit codes."""
        from hutch.api.containers import WaitOptions

        options = WaitOptions(tuple(condition or ()))
        reports = state_of(ctx).engine().containers.wait(names, options)
        code = 0
        for report in reports:
            if report.error is not None:
                sys.stderr.write(f"Error: {report.error}\n")
                code = code or report.exit_code
            else:
                print(report.exit_code)
        raise typer.Exit(code)

    app.command("wait")(wait)
    container_app.command("wait")(wait)

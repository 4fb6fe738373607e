"""``hutch wait``: block until containers reach a condition; print exit codes.

``wait_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

import sys

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def wait_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    condition: "list[str] | None",
    interval: str,
    ignore: bool,
    latest: bool,
) -> int:
    """Wait for containers to stop (or meet a condition) and print their exit codes."""
    from hutch.api.containers import WaitOptions

    if not names and not latest:
        raise InvalidArgument('"hutch wait" requires a name, id, or the "--latest" flag')
    if names and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    options = WaitOptions(tuple(condition or ()), interval, ignore, latest)
    reports = state.engine().containers.wait(names or (), options)
    code = 0
    for report in reports:
        if report.error is not None:
            sys.stdout.flush()  # the codes printed so far come first on a shared pipe
            sys.stderr.write(f"Error: {report.error}\n")
            code = code or report.exit_code
        else:
            print(report.exit_code)
    return code


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

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
        raise typer.Exit(
            wait_command(
                state_of(ctx),
                names=names,
                condition=condition,
                interval=interval,
                ignore=ignore,
                latest=latest,
            )
        )

    app.command("wait")(wait)
    container_app.command("wait")(wait)

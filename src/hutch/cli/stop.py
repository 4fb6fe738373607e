"""``hutch stop`` and ``hutch restart``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.containers import StopOptions

Names = Annotated[list[str] | None, typer.Argument(help="Containers.")]
Time = Annotated[
    int | None,
    typer.Option("--time", "-t", help="Seconds to wait for the stop signal before SIGKILL."),
]
All = Annotated[bool, typer.Option("--all", "-a", help="All containers.")]
Ignore = Annotated[
    bool, typer.Option("--ignore", "-i", help="Ignore containers that do not exist.")
]


def _options(names: list[str] | None, time: int | None, all_: bool, ignore: bool) -> StopOptions:
    from hutch.api.containers import StopOptions

    if not names and not all_:
        raise InvalidArgument("you must provide at least one container name or id")
    if time is not None and time < 0:
        raise InvalidArgument(f"invalid --time {time}: it must not be negative")
    return StopOptions(time, all_, ignore)


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def stop(
        ctx: typer.Context,
        names: Names = None,
        time: Time = None,
        all_: All = False,
        ignore: Ignore = False,
    ) -> None:
        """Stop running containers: the stop signal, then SIGKILL after the timeout."""
        options = _options(names, time, all_, ignore)
        reports = state_of(ctx).engine().containers.stop(names or (), options)
        raise typer.Exit(print_reports(reports))

    def restart(
        ctx: typer.Context, names: Names = None, time: Time = None, all_: All = False
    ) -> None:
        """Stop and start containers again."""
        options = _options(names, time, all_, False)
        reports = state_of(ctx).engine().containers.restart(names or (), options)
        raise typer.Exit(print_reports(reports))

    for target in (app, container_app):
        target.command("stop")(stop)
        target.command("restart")(restart)

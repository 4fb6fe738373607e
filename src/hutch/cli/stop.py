"""``hutch stop`` and ``hutch restart``.

``stop_command`` does the work of ``stop``; the fast path (cli/fast.py)
calls it without typer, the typer command of ``register`` with the same
values. So that this module imports without typer, it has no ``from
__future__ import annotations``: register's parameter annotations are
evaluated where they are written, inside register, which imports typer.
"""

from hutch.cli import target_rules
from hutch.cli.reports import print_reports

# typing costs an import on rm's and stop's path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def stop_command(
    state: "AppState",
    *,
    names: list[str] | None,
    time: int | None,
    all_: bool,
    ignore: bool,
    latest: bool,
    filters: list[str] | None,
    cidfiles: list[str] | None,
) -> int:
    """Stop running containers: the stop signal, then SIGKILL after the timeout."""
    from hutch.api.container_actions import StopOptions

    target_rules.check(
        names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
    )
    names = [*(names or ()), *target_rules.read_cidfiles(cidfiles or (), ignore)]
    options = StopOptions(time, all_, ignore, latest, tuple(filters or ()))
    return print_reports(state.engine().containers.stop(names, options))


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    time_option = Annotated[
        int | None,
        typer.Option(
            "--time",
            "-t",
            help="Seconds to wait for the stop signal before SIGKILL (-1: no limit).",
        ),
    ]

    def stop(
        ctx: typer.Context,
        names: t.Names = None,
        time: time_option = None,
        all_: Annotated[bool, t.all_option("Stop all containers.")] = False,
        ignore: t.Ignore = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Stop running containers: the stop signal, then SIGKILL after the timeout."""
        raise typer.Exit(
            stop_command(
                state_of(ctx),
                names=names,
                time=time,
                all_=all_,
                ignore=ignore,
                latest=latest,
                filters=filters,
                cidfiles=cidfiles,
            )
        )

    def restart(
        ctx: typer.Context,
        names: t.Names = None,
        time: time_option = None,
        all_: Annotated[bool, t.all_option("Restart all containers.")] = False,
        running: Annotated[
            bool, typer.Option("--running", help="With --all: only the running containers.")
        ] = False,
        latest: t.Latest = False,
        filters: t.Filters = None,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Stop and start containers again."""
        from hutch.api.container_actions import StopOptions
        from hutch.api.errors import EXIT_ENGINE

        t.check(
            names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
        )
        names = [*(names or ()), *t.read_cidfiles(cidfiles or ())]
        options = StopOptions(time, all_, False, latest, tuple(filters or ()), running=running)
        reports = state_of(ctx).engine().containers.restart(names, options)
        # 125 whatever failed, as podman's restart (a command not found too: only run
        # gives it 127, and start names the container first: cli/start.py)
        raise typer.Exit(EXIT_ENGINE if print_reports(reports) else 0)

    for target in (app, container_app):
        target.command("stop")(stop)
        target.command("restart")(restart)

"""``hutch rm`` / ``hutch container rm``: remove containers.

``rm_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values. So that this
module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they
are written, inside register, which imports typer.
"""

from hutch.cli import target_rules
from hutch.cli.reports import print_reports

# typing costs an import on rm's and stop's path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def rm_command(
    state: "AppState",
    *,
    names: list[str] | None,
    force: bool,
    all_: bool,
    ignore: bool,
    time: int | None,
    volumes: bool,
    latest: bool,
    filters: list[str] | None,
    cidfiles: list[str] | None,
    depend: bool,
) -> int:
    """Remove one or more containers."""
    from hutch.api.container_actions import RemoveContainerOptions

    target_rules.check(
        names or (), all_=all_, latest=latest, filters=filters or (), cidfiles=cidfiles or ()
    )
    names = [*(names or ()), *target_rules.read_cidfiles(cidfiles or (), ignore)]
    # -f: a name that is not there is no error, yet (as one missing name does) it
    # stops the removal of the others: the engine's rule (``forced``), podman's
    options = RemoveContainerOptions(
        force, all_, ignore, time, volumes, latest, tuple(filters or ()), depend
    )
    return print_reports(state.engine().containers.remove(names, options))


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def rm(
        ctx: typer.Context,
        names: t.Names = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Stop running containers first.")
        ] = False,
        all_: Annotated[bool, t.all_option("Remove all containers.")] = False,
        ignore: t.Ignore = False,
        time: Annotated[
            int | None,
            typer.Option(
                "--time",
                "-t",
                help="Seconds to wait for a stop before SIGKILL (with -f; -1: no limit).",
            ),
        ] = None,
        volumes: Annotated[
            bool, typer.Option("--volumes", "-v", help="Remove the container's anonymous volumes.")
        ] = False,
        latest: t.Latest = False,
        # -f is --force here, as in podman
        filters: Annotated[list[str] | None, typer.Option("--filter", help=t.FILTER_HELP)] = None,
        cidfiles: t.Cidfiles = None,
        depend: Annotated[
            bool,
            typer.Option("--depend", help="Remove the containers that depend on these ones first."),
        ] = False,
    ) -> None:
        """Remove one or more containers."""
        raise typer.Exit(
            rm_command(
                state_of(ctx),
                names=names,
                force=force,
                all_=all_,
                ignore=ignore,
                time=time,
                volumes=volumes,
                latest=latest,
                filters=filters,
                cidfiles=cidfiles,
                depend=depend,
            )
        )

    app.command("rm")(rm)
    container_app.command("rm")(rm)

"""``hutch pod rm``: remove pods and their containers (running ones only with --force).

``pod_rm_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values. So that this
module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they are
written, inside register, which imports typer.
"""

from typing import TYPE_CHECKING, Annotated

from hutch.cli.reports import by_id, print_reports

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def pod_rm_command(
    state: "AppState",
    *,
    names: list[str] | None,
    force: bool,
    all_: bool,
    ignore: bool,
    time: int | None,
) -> int:
    """Remove pods and their containers."""
    from hutch.api.errors import InvalidArgument
    from hutch.api.pods import PodRemoveOptions

    if all_ and names:
        raise InvalidArgument("when using the --all switch, you may not pass any pods")
    if not all_ and not names:
        raise InvalidArgument("you must provide at least one name or id")
    options = PodRemoveOptions(force=force, all=all_, ignore=ignore, timeout=time)
    reports = state.engine().pods.remove(names or (), options)
    return print_reports(by_id(reports))


def register(pod_app: "typer.Typer") -> None:
    import typer

    from hutch.cli.state import state_of

    def rm(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Pods.")] = None,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Stop running containers first.")
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove every pod.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="A missing pod is no error.")
        ] = False,
        time: Annotated[
            int | None,
            typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL."),
        ] = None,
    ) -> None:
        """Remove pods and their containers."""
        raise typer.Exit(
            pod_rm_command(
                state_of(ctx), names=names, force=force, all_=all_, ignore=ignore, time=time
            )
        )

    pod_app.command("rm")(rm)
    pod_app.command("remove", hidden=True)(rm)

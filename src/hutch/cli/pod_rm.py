"""``hutch pod rm``: remove pods and their containers (running ones only with --force).

``pod_rm_command`` does the work; the fast path (cli/fast.py) calls it without
typer, the typer command of ``register`` with the same values. So that this
module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they are
written, inside register, which imports typer.
"""

from hutch.cli.reports import by_id, print_reports

# typing costs an import on the fast path (issue 16); mypy reads this alike
TYPE_CHECKING = False

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
    latest: bool = False,
    pod_id_file: list[str] | None = None,
) -> int:
    """Remove pods and their containers."""
    from hutch.api.pods import PodRemoveOptions
    from hutch.cli.pod_targets import chosen

    pods = chosen(state, names, all_=all_, latest=latest, id_files=pod_id_file)
    options = PodRemoveOptions(force=force, all=all_, ignore=ignore, timeout=time)
    reports = state.engine().pods.remove(pods, options)
    return print_reports(by_id(reports))


def register(pod_app: "typer.Typer") -> None:
    from typing import Annotated

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
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="Remove the pod created last.")
        ] = False,
        pod_id_file: Annotated[
            list[str] | None,
            typer.Option("--pod-id-file", help="Read the pod's id from this file (repeatable)."),
        ] = None,
    ) -> None:
        """Remove pods and their containers."""
        raise typer.Exit(
            pod_rm_command(
                state_of(ctx),
                names=names,
                force=force,
                all_=all_,
                ignore=ignore,
                time=time,
                latest=latest,
                pod_id_file=pod_id_file,
            )
        )

    pod_app.command("rm")(rm)
    pod_app.command("remove", hidden=True)(rm)

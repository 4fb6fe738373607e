"""``hutch kill``: send a signal to containers.

``kill_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import target_rules
from hutch.cli.reports import print_reports

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def kill_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    signal: str,
    all_: bool,
    latest: bool,
    cidfiles: "list[str] | None",
) -> int:
    """Send a signal (SIGKILL by default) to the main process of containers."""
    from hutch.api.container_actions import KillOptions

    target_rules.check(names or (), all_=all_, latest=latest, cidfiles=cidfiles or ())
    names = [*(names or ()), *target_rules.read_cidfiles(cidfiles or ())]
    return print_reports(state.engine().containers.kill(names, KillOptions(signal, all_, latest)))


def register(app: "typer.Typer", container_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli import targets as t
    from hutch.cli.state import state_of

    def kill(
        ctx: typer.Context,
        names: t.Names = None,
        signal: Annotated[
            str, typer.Option("--signal", "-s", help="Signal to send (name or number).")
        ] = "SIGKILL",
        all_: Annotated[bool, t.all_option("Signal all running containers.")] = False,
        latest: t.Latest = False,
        cidfiles: t.Cidfiles = None,
    ) -> None:
        """Send a signal (SIGKILL by default) to the main process of containers."""
        raise typer.Exit(
            kill_command(
                state_of(ctx),
                names=names,
                signal=signal,
                all_=all_,
                latest=latest,
                cidfiles=cidfiles,
            )
        )

    app.command("kill")(kill)
    container_app.command("kill")(kill)

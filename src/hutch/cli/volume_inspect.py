"""``hutch volume inspect``: show the details of volumes as JSON.

``inspect_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.api.errors import InvalidArgument
from hutch.cli import inspecting
from hutch.cli.volume_render import json_of

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def inspect_command(
    state: "AppState", *, names: "list[str] | None", all_: bool, fmt: "str | None"
) -> int:
    """Show the details of volumes as JSON."""
    if not names and not all_:
        raise InvalidArgument("provide one or more volume names or use --all")
    volumes = state.engine().volumes
    errors: list[str] = []
    if all_:
        rows = [json_of(v) for v in volumes.inspect((), True)]
    else:
        rows, errors = inspecting.collect(
            names or (),
            lambda name: [json_of(v) for v in volumes.inspect((name,), False)],
            inspecting.no_such_volume,
        )
    inspecting.report(rows, errors, fmt)
    return 0


def register(volume_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @volume_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Volumes.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Inspect all volumes.")] = False,
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="A Go template, e.g. '{{.Mountpoint}}'."),
        ] = None,
    ) -> None:
        """Show the details of volumes as JSON."""
        raise typer.Exit(inspect_command(state_of(ctx), names=names, all_=all_, fmt=fmt))

"""``hutch network inspect``: show the details of networks as JSON.

``inspect_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import inspecting, render
from hutch.cli.network_render import inspect_struct, json_of

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def inspect_command(state: "AppState", *, names: "list[str]", fmt: "str | None") -> int:
    """Show the details of networks as JSON."""
    networks = state.engine().networks
    # a template reaches podman's Go fields ({{.Name}}), the JSON has netavark's keys
    shape = inspect_struct if fmt and not render.is_json(fmt) else json_of
    rows, errors = inspecting.collect(
        names,
        lambda name: [shape(n) for n in networks.inspect([name])],
        inspecting.no_such_network,
    )
    inspecting.report(rows, errors, fmt)
    return 0


def register(network_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @network_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="A Go template, e.g. '{{.Name}}'.")
        ] = None,
    ) -> None:
        """Show the details of networks as JSON."""
        raise typer.Exit(inspect_command(state_of(ctx), names=names, fmt=fmt))

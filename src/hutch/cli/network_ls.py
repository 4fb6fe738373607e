"""``hutch network ls``: list networks.

``ls_command`` does the work, for the fast path (cli/fast.py) and typer alike;
cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import render
from hutch.cli.network_render import HEADERS, json_of, row

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def ls_command(
    state: "AppState",
    *,
    filters: "list[str] | None",
    fmt: "str | None",
    quiet: bool,
    noheading: bool,
    no_trunc: bool,
) -> int:
    """List networks."""
    # by name, as podman lists them (json too)
    found = sorted(state.engine().networks.ls(tuple(filters or ())), key=lambda n: n.name)
    render.print_listing(
        fmt,
        # podman's types.Network: no "containers" (inspect's alone)
        json_rows=lambda: [json_of(n, members=False) for n in found],
        names=[n.name for n in found],
        template_rows=lambda: [row(n, no_trunc) for n in found],
        headers=HEADERS,
        type_name="network.ListPrintReports",
        columns=["NETWORK ID", "NAME", "DRIVER"],
        table_rows=lambda: [[n.id if no_trunc else n.id[:12], n.name, n.driver] for n in found],
        quiet=quiet,
        noheading=noheading,
    )
    return 0


def register(network_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option("--filter", "-f", help="name=REGEX, id=, driver=, label=KEY[=VALUE]."),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate network ids.")
        ] = False,
    ) -> None:
        """List networks."""
        raise typer.Exit(
            ls_command(
                state_of(ctx),
                filters=filters,
                fmt=fmt,
                quiet=quiet,
                noheading=noheading,
                no_trunc=no_trunc,
            )
        )

    network_app.command("ls")(ls)
    network_app.command("list", hidden=True)(ls)

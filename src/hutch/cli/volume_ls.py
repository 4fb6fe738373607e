"""``hutch volume ls``: list volumes.

``ls_command`` does the work, for the fast path (cli/fast.py) and typer alike;
cli/stop.py says how such a module imports without typer.
"""

from hutch.cli import render
from hutch.cli.volume_render import HEADERS, json_of, ls_row

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
) -> int:
    """List volumes."""
    from hutch.api.errors import InvalidArgument
    from hutch.api.volume_options import VolumeListOptions

    if quiet and fmt:  # podman's refusal, before anything is listed
        raise InvalidArgument("quiet and format flags cannot be used together")
    found = state.engine().volumes.ls(VolumeListOptions(tuple(filters or ())))
    rows = [json_of(v) for v in found]
    render.print_listing(
        fmt,
        json_rows=lambda: rows,
        names=[v.name for v in found],
        template_rows=lambda: [ls_row(r) for r in rows],
        headers=HEADERS,
        type_name="*entities.VolumeListReport",
        columns=["DRIVER", "VOLUME NAME"],
        table_rows=lambda: [[v.driver, v.name] for v in found],
        quiet=quiet,
        noheading=noheading,
    )
    return 0


def register(volume_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option(
                "--filter",
                "-f",
                help="name=REGEX, label=KEY[=VALUE], label!=..., dangling=true|false, driver=, "
                "opt=, scope=, anonymous=, until=, after= (repeatable).",
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
    ) -> None:
        """List volumes."""
        raise typer.Exit(
            ls_command(state_of(ctx), filters=filters, fmt=fmt, quiet=quiet, noheading=noheading)
        )

    volume_app.command("ls")(ls)
    volume_app.command("list", hidden=True)(ls)

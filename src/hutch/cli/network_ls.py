"""``hutch network ls``: list networks."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.network_render import HEADERS, json_of, row
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
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
        # by name, as podman lists them (json too)
        found = sorted(
            state_of(ctx).engine().networks.ls(tuple(filters or ())), key=lambda n: n.name
        )
        if render.is_json(fmt):
            # podman's types.Network, two spaces: no "containers" (inspect's alone)
            render.print_json([json_of(n, members=False) for n in found], indent=2)
            return
        if quiet:
            print("".join(f"{n.name}\n" for n in found), end="")
            return
        if fmt:
            print(
                render.render_template(
                    fmt,
                    [row(n, no_trunc) for n in found],
                    HEADERS,
                    type_name="network.ListPrintReports",
                    heading=not noheading,
                    header_words=render.HEADER_WORDS,
                ),
                end="",
            )
            return
        rows = [[n.id if no_trunc else n.id[:12], n.name, n.driver] for n in found]
        out = render.table(["NETWORK ID", "NAME", "DRIVER"], rows)
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    network_app.command("ls")(ls)
    network_app.command("list", hidden=True)(ls)

"""``hutch network inspect``: show the details of networks as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.network_render import json_of
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    @network_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="A Go template, e.g. '{{.name}}'.")
        ] = None,
    ) -> None:
        """Show the details of networks as JSON."""
        rows = [json_of(n) for n in state_of(ctx).engine().networks.inspect(names)]
        if fmt and fmt != "json":
            print(render.render_template(fmt, rows, name="inspect"), end="")
        else:
            render.print_json(rows)

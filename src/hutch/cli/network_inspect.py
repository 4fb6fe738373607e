"""``hutch network inspect``: show the details of networks as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import inspecting
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
        networks = state_of(ctx).engine().networks
        rows, errors = inspecting.collect(
            names,
            lambda name: [json_of(n) for n in networks.inspect([name])],
            inspecting.no_such_network,
        )
        inspecting.report(rows, errors, fmt)

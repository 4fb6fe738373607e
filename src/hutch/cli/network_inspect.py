"""``hutch network inspect``: show the details of networks as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import inspecting, render
from hutch.cli.network_render import inspect_struct, json_of
from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
    @network_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="A Go template, e.g. '{{.Name}}'.")
        ] = None,
    ) -> None:
        """Show the details of networks as JSON."""
        networks = state_of(ctx).engine().networks
        # a template reaches podman's Go fields ({{.Name}}), the JSON has netavark's keys
        shape = inspect_struct if fmt and not render.is_json(fmt) else json_of
        rows, errors = inspecting.collect(
            names,
            lambda name: [shape(n) for n in networks.inspect([name])],
            inspecting.no_such_network,
        )
        inspecting.report(rows, errors, fmt)

"""``hutch volume inspect``: show the details of volumes as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import inspecting
from hutch.cli.state import state_of
from hutch.cli.volume_render import json_of


def register(volume_app: typer.Typer) -> None:
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
        if not names and not all_:
            raise InvalidArgument("provide one or more volume names or use --all")
        volumes = state_of(ctx).engine().volumes
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

"""``hutch pod inspect``: show the details of pods as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import render
from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Pods.")],
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="json, or a Go template, e.g. '{{.Name}}'."),
        ] = None,
    ) -> None:
        """Show the details of pods as JSON."""
        from hutch.api.podman_json import to_json

        rows = [to_json(p) for p in state_of(ctx).engine().pods.inspect(names)]
        if fmt and fmt != "json":
            print(render.render_template(fmt, rows, name="inspect"), end="")
        elif len(rows) == 1:
            render.print_json(rows[0], indent=5)  # podman 4.3.1 prints one pod as an object
        else:
            render.print_json(rows, indent=5)

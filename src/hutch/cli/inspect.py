"""``hutch inspect`` / ``hutch container inspect``: JSON about objects."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli import render
from hutch.cli import targets as t
from hutch.cli.state import state_of

TYPES = ("all", "container", "image")


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def _render(data: list[dict[str, Any]], fmt: str | None) -> None:
        if fmt and fmt != "json":
            print(render.render_template(fmt, data, name="inspect"), end="")
        else:
            render.print_json(data)

    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers or images.")] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="json (default) or a Go template.")
        ] = None,
        type_: Annotated[
            str, typer.Option("--type", "-t", help="container, image or all.")
        ] = "all",
        latest: Annotated[
            bool, typer.Option("--latest", "-l", help="Inspect the container created last.")
        ] = False,
    ) -> None:
        """Show details of containers or images as JSON."""
        names = t.many(ctx, names, latest, "inspect")
        if type_ not in TYPES:
            raise InvalidArgument(f"invalid --type {type_!r}: use container, image or all")
        from hutch.api.podman_json import to_json

        engine = state_of(ctx).engine()
        data: list[dict[str, Any]] = []
        for name in names:
            if type_ in ("all", "container"):
                try:
                    data += [to_json(r) for r in engine.containers.inspect([name])]
                    continue
                except NoSuchObject:
                    if type_ == "container":
                        raise
            try:
                data += [to_json(r) for r in engine.images.inspect([name])]
            except NoSuchObject:
                raise NoSuchObject(f'no such object: "{name}"') from None
        _render(data, fmt)

    def container_inspect(
        ctx: typer.Context,
        names: t.Names = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="json (default) or a Go template.")
        ] = None,
        latest: t.Latest = False,
    ) -> None:
        """Show details of containers as JSON."""
        names = t.many(ctx, names, latest, "container inspect")
        from hutch.api.podman_json import to_json

        _render([to_json(r) for r in state_of(ctx).engine().containers.inspect(names)], fmt)

    app.command("inspect")(inspect)
    container_app.command("inspect")(container_inspect)

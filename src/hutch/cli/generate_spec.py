"""``hutch generate spec [--compact] [--filename FILE] [--name] CTR|POD``: the JSON
a container's or pod's create was driven by (podman-generate-spec(1))."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hutch.api.errors import NoSuchObject
from hutch.cli.state import state_of


def render(doc: dict[str, Any], compact: bool) -> str:
    """podman's JSON: Go's MarshalIndent with a one-space indent, or one line."""
    if compact:
        return json.dumps(doc, separators=(",", ":"))
    return json.dumps(doc, indent=1)


def add_spec(generate_app: typer.Typer) -> None:
    """Add ``spec`` to the ``generate`` group (cli/generate.py builds the group)."""

    @generate_app.command("spec")
    def spec(
        ctx: typer.Context,
        target: Annotated[str, typer.Argument(help="Container or pod (name or id).")],
        compact: Annotated[
            bool, typer.Option("--compact", "-c", help="Print the JSON on one line.")
        ] = False,
        filename: Annotated[
            str | None,
            typer.Option("--filename", "-f", help="Write the JSON to FILE; print its path."),
        ] = None,
        name: Annotated[
            bool,
            typer.Option(
                "--name",
                "-n",
                help="Name it anew (NAME-clone, a name not taken); --name=false keeps it.",
            ),
        ] = True,
    ) -> None:
        """Generate the JSON spec a container or pod was created from."""
        engine = state_of(ctx).engine()
        try:
            doc = engine.containers.spec(target, new_name=name)
        except NoSuchObject:
            try:
                doc = engine.pods.spec(target, new_name=name)
            except NoSuchObject:
                # podman's words
                raise NoSuchObject(
                    f"could not find a pod or container with the id {target}"
                ) from None
        text = render(doc, compact)
        if filename is None:
            print(text)
            return
        with open(filename, "w") as out:  # podman writes it without a final newline
            out.write(text)
        print(filename)

"""``hutch image tree`` and ``hutch image diff``: an image's layers and their changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render
from hutch.cli.state import state_of
from hutch.util.humansize import human_size

if TYPE_CHECKING:
    from hutch.api.images import ImageTree, TreeLayer

_JSON_KEYS = {"A": "added", "C": "changed", "D": "deleted"}


def tree_text(tree: ImageTree) -> str:
    """podman's ``image tree``: a header, then one branch per layer (with
    --whatrequires, the layers on one with siblings nested under it, as podman's)."""
    lines = [
        f"Image ID: {tree.id[:12]}",
        f"Tags:     [{' '.join(tree.names)}]",
        f"Size:     {human_size(tree.size)}",
        "Image Layers",
    ]
    items: list[_Item] = []
    for layer in tree.layers:
        _place(layer, items)
    _draw(items, "", lines)
    return "\n".join(lines) + "\n\n"


_Item = tuple[str, list["_Item"]]  # a line and the items nested under it


def _place(layer: TreeLayer, into: list[_Item]) -> None:
    """libimage's rule: a layer whose parent has one child goes on in the same list;
    one with siblings opens a list of its own for its children."""
    top = f" Top Layer of: [{' '.join(layer.top_of)}]" if layer.top_of else ""
    short = layer.id.split(":", 1)[-1][:12]
    item: _Item = (f"ID: {short} Size: {human_size(layer.size):>7}{top}", [])
    into.append(item)
    for child in layer.children:
        _place(child, item[1] if layer.branch else into)


def _draw(items: list[_Item], prefix: str, lines: list[str]) -> None:
    for i, (text, nested) in enumerate(items):
        last = i == len(items) - 1
        lines.append(f"{prefix}{'└── ' if last else '├── '}{text}")
        _draw(nested, prefix + ("    " if last else "│   "), lines)


def register(image_app: typer.Typer) -> None:
    @image_app.command("tree")
    def tree(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image.")],
        whatrequires: Annotated[
            bool,
            typer.Option("--whatrequires", help="Show the layers of the images built on this one."),
        ] = False,
    ) -> None:
        """Show an image's layers as a tree."""
        print(tree_text(state_of(ctx).engine().images.tree(image, whatrequires)), end="")

    @image_app.command("diff")
    def diff(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image.")],
        other: Annotated[
            str | None, typer.Argument(help="Image to compare with (default: its parent layers).")
        ] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", help="json, or lines of KIND PATH (default).")
        ] = None,
    ) -> None:
        """Show the files an image's top layer adds (A), changes (C) and deletes (D)."""
        if fmt not in (None, "json"):
            raise InvalidArgument(f"invalid --format {fmt!r}: only json is supported")
        changes = state_of(ctx).engine().images.diff(image, other)
        if fmt == "json":
            out: dict[str, list[str]] = {}
            for change in changes:
                out.setdefault(_JSON_KEYS[change.kind], []).append(change.path)
            render.print_json(out)
            return
        for change in changes:
            print(f"{change.kind} {change.path}")

"""``hutch diff`` / ``hutch container diff``: what a container changed in its file system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render
from hutch.cli import targets as t
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from hutch.api.containers import Change

# podman's struct declares changed, added, deleted in that order: its JSON keeps it
_JSON_KEYS = {"C": "changed", "A": "added", "D": "deleted"}


def as_json(changes: list[Change]) -> dict[str, list[str]]:
    """podman's JSON shape: one list per kind, only the kinds that occur, in podman's order."""
    lists: dict[str, list[str]] = {key: [] for key in _JSON_KEYS.values()}
    for change in changes:
        lists[_JSON_KEYS[change.kind]].append(change.path)
    return {key: paths for key, paths in lists.items() if paths}


def _first(ctx: typer.Context, given: list[str], latest: bool, verb: str) -> str:
    """The container (or image) to diff: the first name, or the container made last;
    ``verb``: the command's path in podman's words for neither."""
    from hutch.api.errors import NoSuchObject

    try:
        return t.one(ctx, given[0] if given else None, latest, verb)
    except NoSuchObject as exc:  # only --latest looks anything up here (podman's words)
        raise NoSuchObject(f"unable to get latest container: {exc}") from None


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def command(images: bool) -> Callable[..., None]:
        def diff(
            ctx: typer.Context,
            names: Annotated[
                list[str] | None,
                typer.Argument(
                    help="Container (or image), and one to compare it with (default: its "
                    "image, or its parent layer).",
                    show_default=False,
                ),
            ] = None,
            fmt: Annotated[
                str | None, typer.Option("--format", help="json, or lines of KIND PATH (default).")
            ] = None,
            latest: t.Latest = False,
        ) -> None:
            """Show files added (A), changed (C) and deleted (D) in a container or image, or
            against a second one."""
            given = names or []
            # podman's checks in its order (4.3.1 and current): --latest takes no
            # names at all (the second one of ``diff A B`` neither), then the count
            if latest and given:
                raise InvalidArgument("--latest and containers cannot be used together")
            if len(given) > 2:  # podman's words (cobra's)
                raise InvalidArgument(f"accepts between 1 and 2 arg(s), received {len(given)}")
            first = _first(ctx, given, latest, "diff" if images else "container diff")
            other = given[1] if len(given) == 2 else None
            changes = state_of(ctx).engine().containers.diff(first, other, images=images)
            # podman checks --format after the diff: a missing name is reported first
            if fmt not in (None, "", "json"):  # podman's words, 4.3.1 and current
                raise InvalidArgument("only supported value for '--format' is 'json'")
            if fmt == "json":
                # podman's json.Encoder indents diff's JSON by five spaces
                render.print_json(as_json(changes), indent=5)
                return
            for change in changes:
                print(f"{change.kind} {change.path}")

        return diff

    app.command("diff")(command(images=True))
    container_app.command("diff")(command(images=False))

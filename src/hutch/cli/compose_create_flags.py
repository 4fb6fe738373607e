"""The flags ``compose create`` and ``compose up`` share, each declared once.

docker compose's ``up`` takes every flag of its ``create`` (its up options
embed create's) and adds its own; here both commands name these aliases, so
a flag's spelling and help are written once, and ``create_options`` checks
their values and turns them into the one options object the planner reads
(``ComposeUpOptions``), for both. ``QuietPull`` lives with the progress view
(``compose run`` takes it too); ``down`` takes ``RemoveOrphans``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.compose import ComposeUpOptions
from hutch.api.errors import InvalidArgument

PULL_POLICIES = ("always", "missing", "never", "build")

Build = Annotated[
    bool, typer.Option("--build", help="Build images before creating the containers.")
]
NoBuild = Annotated[
    bool, typer.Option("--no-build", help="Do not build an image, even if missing.")
]
ForceRecreate = Annotated[
    bool, typer.Option("--force-recreate", help="Recreate containers even if unchanged.")
]
NoRecreate = Annotated[
    bool, typer.Option("--no-recreate", help="Keep existing containers even if changed.")
]
Pull = Annotated[
    str | None, typer.Option("--pull", help="Pull images: always, missing, never or build.")
]
RemoveOrphans = Annotated[
    bool, typer.Option("--remove-orphans", help="Remove containers of services not in the file.")
]
Scale = Annotated[
    list[str] | None,
    typer.Option("--scale", help="SERVICE=NUMBER: that many containers of the service."),
]
# docker compose asks before it recreates a volume whose configuration changed;
# hutch never asks, so the flag is taken and changes nothing
Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Assume yes to prompts (hutch never prompts).")
]


def scale_pairs(values: list[str] | None) -> tuple[tuple[str, int], ...]:
    out = []
    for value in values or []:
        service, sep, count = value.partition("=")
        if not sep or not count.isdigit():
            raise InvalidArgument(f"invalid --scale {value!r}: use SERVICE=NUMBER")
        out.append((service, int(count)))
    return tuple(out)


def create_options(
    services: tuple[str, ...],
    *,
    build: bool,
    no_build: bool,
    force_recreate: bool,
    no_recreate: bool,
    pull: str | None,
    quiet_pull: bool,
    remove_orphans: bool,
    scale: list[str] | None,
) -> ComposeUpOptions:
    """The shared flags' values, checked before anything is loaded or made."""
    if pull is not None and pull not in PULL_POLICIES:
        raise InvalidArgument(f"invalid --pull {pull!r}: use always, missing, never or build")
    if build and no_build:
        raise InvalidArgument("--build and --no-build cannot be combined")
    if force_recreate and no_recreate:
        raise InvalidArgument("--force-recreate and --no-recreate cannot be combined")
    return ComposeUpOptions(
        services=services,
        build=build,
        no_build=no_build,
        force_recreate=force_recreate,
        no_recreate=no_recreate,
        pull=pull,
        quiet_pull=quiet_pull,
        remove_orphans=remove_orphans,
        scale=scale_pairs(scale),
    )

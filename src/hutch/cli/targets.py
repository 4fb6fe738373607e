"""The flags that choose containers beyond their names, declared once for every verb
on many containers (start, stop, kill, rm, restart, pause, unpause, wait, init),
and podman's rules for combining them (its ``CheckAllLatestAndIDFile``, in
cli/target_rules.py so that the fast path can use them without typer).

``--cidfile`` is read here, as podman's client does: the engine gets ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from hutch.cli import target_rules
from hutch.cli.target_rules import check as check
from hutch.cli.target_rules import read_cidfiles as read_cidfiles


def all_option(help: str) -> Any:
    return typer.Option("--all", "-a", help=help)


Names = Annotated[list[str] | None, typer.Argument(help="Containers.")]
Latest = Annotated[bool, typer.Option("--latest", "-l", help="Act on the container created last.")]
FILTER_HELP = "Act on the containers this filter of ps matches (KEY=VALUE, repeatable)."
Filters = Annotated[list[str] | None, typer.Option("--filter", "-f", help=FILTER_HELP)]
# prune's --filter (container, image and system prune; engine/prune_filters.py checks it)
PruneFilters = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        help="Remove only what matches: until=TIME, label=KEY[=VALUE], "
        "label!=KEY[=VALUE] (repeatable).",
    ),
]
Cidfiles = Annotated[
    list[str] | None,
    typer.Option("--cidfile", help="Read the container id from this file (repeatable)."),
]
Ignore = Annotated[
    bool, typer.Option("--ignore", "-i", help="Ignore containers that do not exist.")
]


def latest_id(ctx: typer.Context) -> str:
    """The id of the container created last, for the verbs on one container."""
    from hutch.cli.state import state_of

    return target_rules.latest_id(state_of(ctx))


def one(
    ctx: typer.Context, name: str | None, latest: bool, command: str, missing: str | None = None
) -> str:
    """``target_rules.one`` for a typer command."""
    from hutch.cli.state import state_of

    return target_rules.one(state_of(ctx), name, latest, command, missing)


def shifted(
    ctx: typer.Context, first: str | None, rest: Sequence[str] | None, latest: bool
) -> tuple[str | None, list[str]]:
    """``target_rules.shifted`` for a typer command."""
    from hutch.cli.state import state_of

    return target_rules.shifted(state_of(ctx), first, rest, latest)


def many(
    ctx: typer.Context,
    names: Sequence[str] | None,
    latest: bool,
    command: str,
    missing: str | None = None,
    both: str = "--latest and containers cannot be used together",
) -> list[str]:
    """``target_rules.many`` for a typer command."""
    from hutch.cli.state import state_of

    return target_rules.many(state_of(ctx), names, latest, command, missing, both)

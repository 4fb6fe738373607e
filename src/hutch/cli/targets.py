"""The flags that choose containers beyond their names, declared once for every verb
on many containers (start, stop, kill, rm, restart, pause, unpause, wait, init),
and podman's rules for combining them (its ``CheckAllLatestAndIDFile``).

``--cidfile`` is read here, as podman's client does: the engine gets ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject


def all_option(help: str) -> Any:
    return typer.Option("--all", "-a", help=help)


Names = Annotated[list[str] | None, typer.Argument(help="Containers.")]
Latest = Annotated[bool, typer.Option("--latest", "-l", help="Act on the container created last.")]
FILTER_HELP = "Act on the containers this filter of ps matches (KEY=VALUE, repeatable)."
Filters = Annotated[list[str] | None, typer.Option("--filter", "-f", help=FILTER_HELP)]
Cidfiles = Annotated[
    list[str] | None,
    typer.Option("--cidfile", help="Read the container id from this file (repeatable)."),
]
Ignore = Annotated[
    bool, typer.Option("--ignore", "-i", help="Ignore containers that do not exist.")
]


def check(
    names: Sequence[str],
    *,
    all_: bool = False,
    latest: bool = False,
    filters: Sequence[str] = (),
    cidfiles: Sequence[str] = (),
    any_count: bool = False,
) -> None:
    """podman's checks, in its order and words. ``any_count``: the verb also runs
    with no names and no flag (podman's ignoreArgLen)."""
    if filters:
        if names:
            raise InvalidArgument("--filter takes no arguments")
        return
    if cidfiles and (all_ or latest):
        raise InvalidArgument("--all, --latest, and --cidfile cannot be used together")
    if all_ and latest:
        raise InvalidArgument("--all and --latest cannot be used together")
    if names and all_:
        raise InvalidArgument("no arguments are needed with --all")
    if any_count:
        return
    if names and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if names and cidfiles:
        raise InvalidArgument("no arguments are needed with --latest or --cidfile")
    if not (names or all_ or latest or cidfiles):
        raise InvalidArgument("you must provide at least one name or id")


def read_cidfiles(paths: Sequence[str], ignore: bool = False) -> list[str]:
    """The id in each file (its first line); a missing file is skipped with ``ignore``."""
    ids = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError as exc:
            if ignore and isinstance(exc, FileNotFoundError):
                continue
            reason = (exc.strerror or str(exc)).lower()
            raise InvalidArgument(f"reading CIDFile: open {path}: {reason}") from None
        ids.append(text.split("\n", 1)[0].strip())
    return ids


def latest_id(ctx: typer.Context) -> str:
    """The id of the container created last, for the verbs on one container."""
    from hutch.api.containers import ListContainersOptions
    from hutch.cli.state import state_of

    found = state_of(ctx).engine().containers.ls(ListContainersOptions(all=True, last=1))
    if not found:
        raise NoSuchObject("no such container")
    return found[0].id


def one(ctx: typer.Context, name: str | None, latest: bool, command: str) -> str:
    """The container of a verb on one: its name, or ``--latest`` (podman's IDOrLatestArgs)."""
    if name and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if latest:
        return latest_id(ctx)
    if not name:
        raise InvalidArgument(f'"hutch {command}" requires a name, id, or the "--latest" flag')
    return name


def shifted(
    ctx: typer.Context, first: str | None, rest: Sequence[str] | None, latest: bool
) -> tuple[str | None, list[str]]:
    """With ``--latest``, the first argument is not a container but the start of the
    rest (``exec -l CMD``, ``top -l DESCRIPTORS``): (container, rest)."""
    if not latest:
        return first, list(rest or ())
    return latest_id(ctx), [*([first] if first else []), *(rest or ())]


def many(ctx: typer.Context, names: Sequence[str] | None, latest: bool, command: str) -> list[str]:
    """The containers of a verb on one or more: the names, or ``--latest``."""
    if names and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if latest:
        return [latest_id(ctx)]
    if not names:
        raise InvalidArgument(f'"hutch {command}" requires a name, id, or the "--latest" flag')
    return list(names)

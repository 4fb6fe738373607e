"""podman's rules for the flags that choose containers (its ``CheckAllLatestAndIDFile``),
and ``--cidfile``'s reading, without typer: the fast path (cli/fast.py) runs the
verbs that use them (stop, rm) without loading it. cli/targets.py declares the
flags themselves and re-exports these.
"""

from __future__ import annotations

from hutch.api.errors import InvalidArgument, NoSuchObject

# typing costs an import on rm's and stop's path (issue 16); mypy reads this alike
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hutch.cli.state import AppState


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


def latest_id(state: AppState) -> str:
    """The id of the container created last, for the verbs on one container."""
    from hutch.api.containers import ListContainersOptions

    found = state.engine().containers.ls(ListContainersOptions(all=True, last=1))
    if not found:
        raise NoSuchObject("no such container")
    return found[0].id


def shifted(
    state: AppState, first: str | None, rest: Sequence[str] | None, latest: bool
) -> tuple[str | None, list[str]]:
    """With ``--latest``, the first argument is not a container but the start of the
    rest (``exec -l CMD``, ``top -l DESCRIPTORS``): (container, rest)."""
    if not latest:
        return first, list(rest or ())
    return latest_id(state), [*([first] if first else []), *(rest or ())]


def one(state: AppState, name: str | None, latest: bool, command: str, missing: str | None) -> str:
    """The container of a verb on one: its name, or ``--latest`` (podman's IDOrLatestArgs);
    ``missing``: the verb's own words for neither (podman's, where they differ)."""
    if name and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if latest:
        return latest_id(state)
    if not name:
        raise InvalidArgument(
            missing or f'"hutch {command}" requires a name, id, or the "--latest" flag'
        )
    return name


def many(
    state: AppState,
    names: Sequence[str] | None,
    latest: bool,
    command: str,
    missing: str | None = None,
    both: str = "--latest and containers cannot be used together",
) -> list[str]:
    """The containers of a verb on one or more: the names, or ``--latest`` (``missing``
    as ``one``'s; ``both``: the verb's words for names and --latest together)."""
    if names and latest:
        raise InvalidArgument(both)
    if latest:
        return [latest_id(state)]
    if not names:
        raise InvalidArgument(
            missing or f'"hutch {command}" requires a name, id, or the "--latest" flag'
        )
    return list(names)

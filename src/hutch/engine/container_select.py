"""Which containers a verb acts on: the names given, or ``--all``, ``--latest``, ``--filter``.

podman's rules: ``--filter`` (ps's filters) picks the containers it matches
whatever their state, ``--latest`` is the container created last, ``--all``
every container, narrowed by the verb to the states it can act on (``kill
--all`` signals the running ones, ``unpause --all`` the paused ones). The
checks of which flags go together are the CLI's (cli/targets.py): here a
filter wins over ``--all``, as in podman.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from hutch.api.container_actions import ActionReport
from hutch.api.errors import HutchError, NoSuchObject
from hutch.engine import config_peek
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext

Keep = Callable[[cs.Container], bool]
# typing costs an import on rm's and stop's path (issue 16); the TypeVar is for mypy
# alone (annotations are strings here), which reads this constant alike
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    Found = TypeVar("Found")


def targets(
    ctx: EngineContext,
    names: Sequence[str],
    *,
    all_: bool = False,
    latest: bool = False,
    filters: Sequence[str] = (),
    keep: Keep | None = None,
) -> list[str]:
    """The ids (or the names as given) to act on, newest first for the flags."""
    if filters:
        # the filters' code (and ps's classes) only with --filter: create and run load
        # this module with engine/containers.py and never filter
        from hutch.engine.container_filters import parse_filters
        from hutch.engine.container_list import lookups, network_names, summary

        wanted = parse_filters(filters, lookups(ctx))  # a bad one fails before any action
        # a pod= filter names pods, a network= one networks: read them only then
        pods = {p.id: p for p in ctx.pods.all()} if "pod" in wanted.by_key else {}
        chosen = []
        for c in _loaded(ctx):
            if c.state.status == "unknown":
                continue
            item = summary(c, pods.get(c.record.pod_id))
            if wanted.needs_networks:
                item = replace(item, networks=network_names(c))
            if wanted.match(item):
                chosen.append(c.record.id)
        return chosen
    if latest:
        records = ctx.containers.all()  # newest first
        if not records:
            raise NoSuchObject("no such container")
        return [records[0].id]
    if all_:
        return [c.record.id for c in _loaded(ctx) if keep is None or keep(c)]
    return list(names)


def first_missing(ctx: EngineContext, names: Sequence[str]) -> list[ActionReport]:
    """The report of the first name not found, or [] when all are.

    podman resolves every name a verb is given before it acts: with one missing it
    acts on none and reports only that one (``podman start c1 nosuch`` starts
    nothing). For names the user gave, not ids of ``--all`` or ``--filter``: a
    container gone since the listing is that container's error alone.
    """
    for name in names:
        try:
            cs.find(ctx, name)
        except NoSuchObject as exc:
            return [ActionReport(name, error=str(exc), exit_code=exc.exit_code)]
        except HutchError:  # another lookup error: the verb reports it for that name
            continue
    return []


def resolved(
    names: Sequence[str],
    find: Callable[[str], Found],
    *,
    ignore: bool,
    named: bool,
    missing_code: int | None = None,
    forced: bool = False,
) -> list[tuple[str, Found | ActionReport]]:
    """Each name with what ``find`` gives for it, or the report of why not (a missing
    one left out with ``ignore``; its exit code ``missing_code``, else the error's).
    ``named``: the user's names, resolved all before any action as podman does (for
    containers and pods alike): with one missing, only that one's report.
    ``forced``: ``rm -f``'s rule in podman (``pod rm -f`` too): a missing name is no
    error, yet a named one still stops the verb before it acts (nothing at all).
    """
    found: list[tuple[str, Found | ActionReport]] = []
    for name in names:
        try:
            found.append((name, find(name)))
        except NoSuchObject as exc:
            code = exc.exit_code if missing_code is None else missing_code
            missing = (name, ActionReport(name, error=str(exc), exit_code=code))
            if named and not ignore:
                return [] if forced else [missing]
            if not (ignore or forced):
                found.append(missing)
        except HutchError as exc:
            found.append((name, ActionReport(name, error=str(exc), exit_code=exc.exit_code)))
    return found


def _loaded(ctx: EngineContext) -> list[cs.Container]:
    return [cs.load(ctx, record, lenient=True) for record in ctx.containers.all()]


def dependents(ctx: EngineContext, container_id: str) -> list[str]:
    """Containers that join ``container_id``'s namespaces (``--network container:``) or
    require it (``--requires``), those that depend on them first: the order in which
    ``rm --depend`` removes them."""
    out: list[str] = []
    for record in ctx.containers.all():
        if record.id == container_id or record.id in out:
            continue
        # two run options from the JSON, not the whole config decoded: rm asks this of
        # every other container (config_peek says why)
        peeked = config_peek.joins(record.config)
        if peeked is None:
            try:
                options = cs.config_of(record).options
            except HutchError:  # an unreadable record depends on nothing we can tell
                continue
            peeked = options.requires, options.network
        requires, network = peeked
        if container_id in requires or _joins(ctx, network, container_id):
            out += [d for d in dependents(ctx, record.id) if d not in out]
            out.append(record.id)
    return out


def _joins(ctx: EngineContext, mode: str, container_id: str) -> bool:
    if not mode.startswith("container:"):
        return False
    try:
        return cs.find(ctx, mode.partition(":")[2]).id == container_id
    except HutchError:
        return False

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

from hutch.api.errors import HutchError, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext

Keep = Callable[[cs.Container], bool]


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
        from hutch.engine.container_list import summary

        wanted = parse_filters(filters)  # a bad filter fails before anything is done
        return [
            c.record.id
            for c in _loaded(ctx)
            if c.state.status != "unknown" and wanted.match(summary(c))
        ]
    if latest:
        records = ctx.containers.all()  # newest first
        if not records:
            raise NoSuchObject("no such container")
        return [records[0].id]
    if all_:
        return [c.record.id for c in _loaded(ctx) if keep is None or keep(c)]
    return list(names)


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
        try:
            options = cs.config_of(record).options
        except HutchError:  # an unreadable record depends on nothing we can tell
            continue
        if container_id in options.requires or _joins(ctx, options.network, container_id):
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

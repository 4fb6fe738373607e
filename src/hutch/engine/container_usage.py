"""The query verbs scripts and monitoring loops run most on one container: ``port``,
``top`` and ``stats``, each a class that its slice's part inherits (``port`` the
query part's, ``top`` the process part's, ``stats`` the resource part's) and that
the engine builds alone for its verb (engine/engine.py's light parts). This module
loads nothing but the context: each verb imports its own code when it runs, so a
part that inherits it pays nothing, and ``hutch port`` none of the whole inspect
report's code, ``hutch top`` none of attach's, ``hutch stats`` none of update's
(issue 16).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hutch.api.container_usage import (
        PortOptions,
        PortReport,
        StatsOptions,
        StatsReport,
        TopReport,
    )
    from hutch.engine.context import EngineContext


class PortQuery:
    """``port`` (QueryVerbs'): a container's published ports, from its spec's network."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def port(self, names: Sequence[str], options: PortOptions) -> list[PortReport]:
        from hutch.engine.port_query import container_ports

        return container_ports(self._ctx, names, options.all)


class TopVerb:
    """``top`` (ProcessVerbs'): a running container's processes, as podman's top shows
    them (user names through the session's id maps)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        from hutch.api.errors import Conflict
        from hutch.engine import container_state as cs
        from hutch.engine.top import container_top, parse_descriptors
        from hutch.runtime import state as st
        from hutch.runtime.ids import map_to_host

        session = self._ctx.enter_session()
        # the record and the state: top needs no config (its decode, the run options'
        # classes, was a fifth of top's start)
        container = cs.located(self._ctx, cs.find(self._ctx, name))
        if container.state.status not in st.LIVE:
            raise Conflict("top can only be used on running containers")  # podman's words
        wanted = parse_descriptors(descriptors)

        def host_uid(uid: int) -> int | None:
            return map_to_host(session.uid_map, uid) if session.uid_map else uid

        def host_gid(gid: int) -> int | None:
            return map_to_host(session.gid_map, gid) if session.gid_map else gid

        return container_top(container.state.pid, wanted, host_uid, host_gid)


class StatsQuery:
    """``stats`` (ResourceVerbs'): one sample of each container's counters."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        from hutch.engine.container_stats import sample

        del options  # without names: every running container, --all or not
        return sample(self._ctx, names)

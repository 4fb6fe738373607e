"""``pod ps`` and ``pod exists``: pods read from the store and their members' states.

The pod part (engine/pods.py, every pod verb) inherits ``PodList``, and the engine
builds it alone for these two verbs (engine/engine.py ``LightFirst``,
``POD_LIST_VERBS``): that module and the pod records' codec load the pod and
container verbs' classes (api.pods, api.containers) and the container service, about
a third of ``pod ps``'s start (issue 16). A row needs of each pod its labels and of
each member its state: both are read without decoding a config (the labels from the
record's JSON, as engine/config_peek.py reads a container's; a record that does not
read so is decoded), and a pod's networks from its infra's ``--network``.
"""

from __future__ import annotations

from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.api.pod_list import PodMember, PodSummary
from hutch.engine import config_peek
from hutch.engine import container_state as cs

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from hutch.api.pod_list import ListPodsOptions
    from hutch.engine.context import EngineContext
    from hutch.store.pods import PodRecord


class PodList:
    """``ls`` and ``exists`` of ``engine.pods`` (``hutch.api.pods.Pods``)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def exists(self, name: str) -> bool:
        try:
            self._ctx.pods.find(name)
        except (NoSuchObject, Conflict):
            return False
        return True

    def ls(self, options: ListPodsOptions) -> list[PodSummary]:
        from hutch.engine.pod_filters import matcher

        keep = matcher(options.filters)
        summaries = [s for s in (self._summary(r) for r in self._ctx.pods.all()) if keep(s)]
        return _sorted(summaries, options.sort)

    def _summary(self, record: PodRecord) -> PodSummary:
        members = [cs.located(self._ctx, r) for r in self._ctx.containers.of_pod(record.id)]
        networks: tuple[str, ...] = ()
        infra = next((m for m in members if m.record.id == record.infra_id), None)
        if infra is not None:
            from hutch.engine.netkind import user_networks  # not netconfig: 2 ms

            networks = tuple(user_networks(_network(infra)))
        return PodSummary(
            id=record.id,
            name=record.name,
            status=pod_status([m.state.status for m in members]),
            created=record.created,
            infra_id=record.infra_id,
            labels=_labels(record.config),
            members=tuple(PodMember(m.record.id, m.record.name, m.state.status) for m in members),
            networks=networks,
        )


def _labels(raw: bytes) -> tuple[tuple[str, str], ...]:
    """A pod's ``--label`` pairs: a pod's record keeps its create options under
    ``options`` by their field names, as a container's does its run options."""
    found = config_peek.labels(raw)
    if found is not None:
        return found
    from hutch.engine import pod_record

    return pod_record.decode(raw).labels


def _network(infra: cs.Located) -> str:
    """The infra's ``--network`` (a config that cannot be decoded: bare, as ``load``'s
    ``lenient`` makes it)."""
    peeked = config_peek.joins(infra.record.config)
    if peeked is not None:
        return peeked[1]
    return cs.completed(infra, lenient=True).config.options.network


def pod_status(states: Sequence[str]) -> str:
    """The pod's status from its members' (podman's rule)."""
    n = len(states)
    running = sum(s == "running" for s in states)
    paused = sum(s == "paused" for s in states)
    stopped = sum(s in ("exited", "stopped") for s in states)
    if n == 0:
        return "Created"
    if running == n:
        return "Running"
    if running:
        return "Degraded"
    if paused == n:
        return "Paused"
    if stopped == n:
        return "Exited"
    if stopped:
        return "Stopped"
    return "Created"


def _sorted(summaries: list[PodSummary], sort: str) -> list[PodSummary]:
    keys: dict[str, Callable[[PodSummary], Any]] = {
        "id": lambda s: s.id,
        "name": lambda s: s.name,
        "number": lambda s: len(s.members),
        "status": lambda s: s.status,
    }
    if sort == "created":
        return sorted(summaries, key=lambda s: s.created, reverse=True)
    if sort not in keys:
        # current podman's words (4.3.1's listed only "id, names, or number")
        raise InvalidArgument(
            "invalid option for --sort, options are: created, id, name, number, or status"
        )
    return sorted(summaries, key=keys[sort])

"""``ps``: the containers a listing selects, and their summaries.

Apart from engine/container_query.py (whose ContainerQueries extends
ContainerList) so that ``hutch ps`` loads neither the inspect code nor
api/containers.py's classes: engine.LocalContainers answers ``ls`` from here
without loading the slices of ``Containers`` (see engine/engine.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hutch.api.container_list import ContainerSummary, ListContainersOptions
from hutch.api.errors import HutchError, InvalidArgument
from hutch.engine import config_peek, netopts
from hutch.engine import container_state as cs
from hutch.engine.container_filters import Lookups, parse_filters, sort_key, tree_size
from hutch.engine.context import EngineContext
from hutch.runtime import state as st

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.api.containers import ContainerListing
    from hutch.engine.container_record import ContainerConfig
    from hutch.runtime.spec_network import NetworkSpec
    from hutch.store.images import ImageRecord
    from hutch.store.pods import PodRecord


def cmd_part(command: Sequence[str], entrypoint: Sequence[str]) -> tuple[str, ...]:
    """podman's Cmd: the command the container runs without its entrypoint in front
    (``--entrypoint /bin/sh IMG -c x`` has Cmd ``[-c x]``, as podman's inspect and ps)."""
    command, entrypoint = tuple(command), tuple(entrypoint)
    if entrypoint and command[: len(entrypoint)] == entrypoint:
        return command[len(entrypoint) :]
    return command


def entrypoint_of(config: ContainerConfig) -> tuple[str, ...]:
    """The entrypoint the container runs: ``--entrypoint``, else the image's (podman)."""
    found = config_peek.entrypoint_of(config.options.entrypoint, config.image_config.entrypoint)
    return () if found is None else found  # (the codec gave those types)


def _joined(command: Sequence[str]) -> str:
    import shlex  # a row's command; ps with no container needs none of it

    return shlex.join(command)


def summary(
    container: cs.Container, pod: PodRecord | None = None, row: config_peek.Row | None = None
) -> ContainerSummary:
    """The container's ``ps`` row; ``row``: its config's part as ``config_peek.row`` read
    it from the record (else read from the decoded config)."""
    if row is None:
        row = config_row(container.config)
    return ContainerSummary(
        id=container.record.id,
        name=container.record.name,
        image=container.record.image_name,
        image_id=container.record.image_id,
        command=_joined(row.command),
        cmd=cmd_part(row.command, row.entrypoint),
        created=container.record.created,
        status=cs.status_of(container),
        exit_code=container.state.exit_code,
        started_at=container.state.started_at,
        finished_at=container.state.finished_at,
        health=container.state.health.status,
        labels=row.labels,
        restart_count=container.state.restart_count,
        mounts=row.mounts,
        ports=row.ports,
        pid=container.state.pid if container.running else 0,
        pod=pod.id if pod else "",
        pod_name=pod.name if pod else "",
        is_infra=pod is not None and pod.infra_id == container.record.id,
        restart_policy=row.restart,
        restarting=container.state.status == st.EXITED and container.state.restarting,
        stopped_by_user=container.state.stopped_by_user,
        network_mode=row.network,
    )


def config_row(config: ContainerConfig) -> config_peek.Row:
    """What a ``ps`` row shows of a decoded config (``config_peek.row`` reads the same
    from a record's JSON)."""
    return config_peek.Row(
        command=tuple(config.command),
        entrypoint=entrypoint_of(config),
        labels=config.labels_with_image,
        mounts=tuple((m.name, m.source, m.destination) for m in config.mounts),
        ports=tuple((p.host_ip, p.host_port, p.container_port, p.protocol) for p in config.ports),
        restart=config.restart_name,
        network=config.options.network,
    )


def _network_of(container: cs.Container) -> NetworkSpec:
    from hutch.engine import netquery  # network code only when asked for (ps's start)

    return netquery.network_of(container)


def network_names(container: cs.Container) -> tuple[str, ...]:
    """The user-defined networks the container joined (ps's ``network=`` filter)."""
    return tuple(a.network for a in _network_of(container).attachments)


@dataclass(frozen=True)
class _Chosen:
    """A container the selection kept: its summary and, when the selection read it (a
    network filter, ``networks``), its bundle's network spec, which the API's listing
    reuses rather than parse the bundle's config.json again."""

    container: cs.Container
    summary: ContainerSummary
    network: NetworkSpec | None = None


class ContainerList:
    """``ls`` (ps) and ``listing`` (the Docker API's container list)."""

    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def ls(self, options: ListContainersOptions) -> list[ContainerSummary]:
        return [chosen.summary for chosen in self._chosen(options)]

    def listing(self, options: ListContainersOptions) -> list[ContainerListing]:
        # network code only here (a third of ps's start: see inspect_report), and
        # api.containers' classes (the Docker API's listing; ps needs none of them)
        from hutch.api.containers import ContainerListing
        from hutch.engine import inspect_binds, netquery
        from hutch.engine.inspect_binds import inspect_mounts

        out = []
        # Docker lists a restarting container without `all`, as it counts it running
        for chosen in self._chosen(options, restarting_runs=True):
            container, item = chosen.container, chosen.summary
            size_root_fs = item.root_fs_size  # with options.size only
            # the bundle's spec once: the selection's read when a network filter made one
            net = chosen.network if chosen.network is not None else netquery.network_of(container)
            out.append(
                ContainerListing(
                    summary=item,
                    network_mode=netopts.shown(container.config.options.network),
                    networks=netquery.endpoints(net),
                    size_root_fs=size_root_fs,
                    exposed=tuple(netquery.port_bindings(container, ())),
                    mounts=inspect_binds.with_modes(
                        inspect_mounts(container.config.mounts), container.config.options.volumes
                    ),
                )
            )
        return out

    def _lower_dirs(self, image_id: str) -> list[str]:
        image = self._ctx.images.get(image_id)
        if image is None:
            return []
        return [os.fspath(self._ctx.layers.layer_dir(d)) for d in reversed(image.diff_ids)]

    def _chosen(
        self, options: ListContainersOptions, *, restarting_runs: bool = False
    ) -> list[_Chosen]:
        """The containers ``options`` select, each loaded once, in ``options.sort`` order
        (``restarting_runs``: one in its restart back-off counts as running, as Docker's)."""
        filters = parse_filters(options.filters, lookups(self._ctx))
        order = sort_key(options.sort)
        if options.size:
            self._ctx.enter_session()  # upper dirs hold files of subordinate ids
        records = self._ctx.containers.all()
        if options.last is not None:
            records = records[: options.last]
        show_all = options.all or options.last is not None or filters.implies_all
        want_networks = options.networks or filters.needs_networks
        # one more query only where pods exist
        pods = {p.id: p for p in self._ctx.pods.all()} if any(r.pod_id for r in records) else {}
        out = []
        lower_sizes: dict[str, int] = {}  # image id -> its layers' size, once per image
        for record in records:
            found = cs.located(self._ctx, record)
            if not (show_all or _live(found.state, restarting_runs)):
                # not shown: its config is never decoded (``ps`` among many stopped
                # containers decoded each one's), though a broken state file is told
                _warn_unknown(found)
                continue
            # the row's part of the config from its JSON: decoded whole only when that
            # does not read (another version, a bad value: lenient then, as before)
            row = config_peek.row(record.config)
            container = cs.completed(found, lenient=True, decode=row is None)
            _warn_unknown(container)  # a state file or a config row that cannot be read
            item = summary(container, pods.get(record.pod_id), row)
            if not (show_all or _live(container.state, restarting_runs)):
                continue  # its config could not be read: unknown, not running
            net = None
            if want_networks:
                net = _network_of(container)
                item = replace(item, networks=tuple(a.network for a in net.attachments))
            if filters.shares_networks:
                item = replace(item, network_mode=_joined_id(self._ctx, item.network_mode))
            if not filters.match(item):
                continue
            if options.size:
                rw = tree_size(os.fspath(container.dirs.upper))
                image_id = container.record.image_id
                if image_id not in lower_sizes:
                    lower_sizes[image_id] = sum(tree_size(d) for d in self._lower_dirs(image_id))
                item = replace(item, size=rw, root_fs_size=rw + lower_sizes[image_id])
            if options.namespaces and item.pid:
                item = replace(item, namespaces=namespaces_of(item.pid))
            out.append(_Chosen(container, item, net))
        # ties in creation order, as podman's listing comes (two never started, by
        # runningfor; every one, by size without --size)
        return sorted(out, key=lambda chosen: (order(chosen.summary), chosen.summary.created))


def _live(state: st.RuntimeState, restarting_runs: bool) -> bool:
    """Whether ``ps`` without ``--all`` shows a container in ``state`` (``restarting_runs``:
    one in its restart back-off counts as running, as Docker's)."""
    if state.status in st.LIVE:
        return True
    return restarting_runs and state.status == st.EXITED and state.restarting


def _warn_unknown(found: cs.Located) -> None:
    if found.state.status == st.UNKNOWN:
        rid = found.record.id[:12]
        print(
            f"WARN: container {rid}: {found.state.error}; `hutch rm -f {rid}` removes it",
            file=sys.stderr,
        )


def lookups(ctx: EngineContext) -> Lookups:
    """What ps's ``before``, ``since`` and ``ancestor`` filters name, from the store."""

    def created_of(name: str) -> float:
        if not name:
            raise InvalidArgument("name or ID cannot be empty")  # podman's words
        return cs.find(ctx, name).created

    def image_ids_of(text: str) -> tuple[str, ...]:
        from hutch.engine.resolve import find_image  # image code only for ancestor=

        try:
            image = find_image(ctx.images, text) if text else None
        except HutchError:  # not a local image: podman matches the text in the ids
            return ()
        if image is None:
            return ()
        return (image.id, *descendants(image.diff_ids, ctx.images.all()))

    def container_id_of(name: str) -> str | None:
        try:
            return cs.find(ctx, name).id if name else None
        except HutchError:  # podman's filter matches nothing then, and says nothing
            return None

    def network_name_of(text: str) -> str | None:
        from hutch.engine import network_list  # network code only for network=

        try:
            return network_list.find(ctx, text).name if text else None
        except HutchError:  # podman passes over it; no container joined it by that name
            return text  # (unless the network went since: then the text names it still)

    return Lookups(created_of, image_ids_of, container_id_of, network_name_of)


def descendants(diff_ids: tuple[str, ...], images: Sequence[ImageRecord]) -> list[str]:
    """The ids of the images built on an image with layers ``diff_ids``: those whose
    layers start with them and add more (image tree --whatrequires's rule)."""
    depth = len(diff_ids)
    if not depth:
        return []
    return [i.id for i in images if len(i.diff_ids) > depth and i.diff_ids[:depth] == diff_ids]


def _joined_id(ctx: EngineContext, mode: str) -> str:
    """``container:NAME`` with NAME's id (itself when NAME is gone); other modes as they
    are."""
    kind, colon, target = mode.partition(":")
    if kind != "container" or not colon:
        return mode
    try:
        return f"container:{cs.find(ctx, target).id}"
    except HutchError:
        return mode


NAMESPACE_KINDS = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")


def namespaces_of(pid: int, proc: str = "/proc") -> tuple[tuple[str, str], ...]:
    """The inode of each namespace of process ``pid`` (``net:[4026532180]``), as podman's
    ps --ns shows them; one the process no longer has (it exited) is left out."""
    found = []
    for kind in NAMESPACE_KINDS:
        try:
            link = os.readlink(f"{proc}/{pid}/ns/{kind}")
        except OSError:
            continue
        found.append((kind, link.partition("[")[2].rstrip("]")))
    return tuple(found)

"""``engine.pods``: create, list, inspect, remove, and the verbs on all members.

A pod is a row of ``pods`` (``store/pods.py``) with its typed config
(``engine/pod_record.py``) and an infra container (``engine/pod_infra.py``)
made through the container service like any other, in the pod and joining
nothing. Members join its namespaces (``engine/pod_member.py``). Verbs on a
pod act on its members: the infra starts first and stops last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from hutch.api.common import PruneReport
from hutch.api.container_config import RunOptions
from hutch.api.containers import (
    ActionReport,
    Containers,
    InspectMount,
    KillOptions,
    PauseOptions,
    RemoveContainerOptions,
    StartOptions,
    StatsOptions,
    StopOptions,
    TopReport,
    WaitOptions,
)
from hutch.api.errors import Conflict, HutchError, InvalidArgument, NoSuchObject
from hutch.api.podman_json import go_time
from hutch.api.pods import (
    DEFAULT_SHARE,
    INIT_CONTAINER_LABEL,
    SHAREABLE,
    PodCloneOptions,
    PodCreateOptions,
    PodInfraConfig,
    PodInspect,
    PodKillOptions,
    PodLogLine,
    PodLogsOptions,
    PodPortBinding,
    PodRemoveOptions,
    PodSelectOptions,
    PodStatsReport,
    PodStopOptions,
)
from hutch.engine import container_select, pod_cgroup, pod_infra, pod_member, pod_record
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.engine.pod_list import PodList
from hutch.engine.pod_record import PodConfig
from hutch.store.pods import PodRecord
from hutch.util.ids import NAME_RULE, clone_name, new_id, random_name, valid_name


class PodContainers(Protocol):
    """What pods ask of the container service (``engine/containers.py``), which
    imports this module for ``run --pod new:NAME``, hence a protocol here."""

    def create_infra(
        self,
        options: RunOptions,
        pod_id: str,
        released_ports: frozenset[tuple[int, str]],
        *,
        shared_address: bool = False,
    ) -> str: ...

    def remove_containers(
        self, names: Sequence[str], options: RemoveContainerOptions, *, infra: bool
    ) -> list[ActionReport]: ...

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]: ...

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]: ...

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]: ...


EXIT_POLICIES = ("continue", "stop")


def parse_share(text: str | None) -> tuple[str, ...]:
    """``--share``: None the default, ``+ns`` added to it, a list replacing it."""
    if text is None:
        return DEFAULT_SHARE
    text = text.strip()
    if text in ("", "none"):
        return ()
    base: list[str] = list(DEFAULT_SHARE) if text.startswith("+") else []
    for item in text.removeprefix("+").split(","):
        item = item.strip()
        if item not in SHAREABLE:
            raise InvalidArgument(
                f"invalid kernel namespace to share: {item}. Options are: "
                f"{', '.join(SHAREABLE)} or none"  # podman's words
            )
        if item not in base:
            base.append(item)
    return tuple(ns for ns in SHAREABLE if ns in base)


@dataclass(frozen=True)
class PodPlan:
    """What ``pod create`` makes of its options, before anything is stored."""

    name: str
    config: PodConfig
    infra: bool


def plan_pod(options: PodCreateOptions) -> PodPlan:
    """Refuse bad options (InvalidArgument) before anything exists."""
    name = options.name or random_name()
    if not valid_name(name):
        # podman's words
        raise InvalidArgument(f"running pod create option: {NAME_RULE}: invalid argument")
    if options.exit_policy not in EXIT_POLICIES:
        raise InvalidArgument(  # podman's words
            f'running pod create option: invalid pod exit policy: "{options.exit_policy}"'
        )
    if options.restart:
        from hutch.engine.create_plan import parse_restart  # run's parsing and words

        parse_restart(options.restart, "pod")
    if options.network:
        from hutch.engine import netconfig, netopts  # only a pod on networks loads them

        if netconfig.kind(options.network) == "bridge":
            # NET:OPTIONS (ip=, mac=, ...) of each network, in podman's words, before the
            # pod exists; the infra's create reads them again when it takes its addresses
            netopts.parse(options.network)
    if options.mac_address:
        from hutch.engine.netopts import is_mac

        if not is_mac(options.mac_address):  # podman's words, before the pod exists
            raise InvalidArgument(f"address {options.mac_address}: invalid MAC address")
    shared = parse_share(options.share)
    infra = options.infra if options.infra is not None else bool(shared)
    if not infra:
        if options.share not in (None, "", "none"):  # given with --infra=false: podman's words
            raise InvalidArgument(
                f"cannot set share({options.share}) namespaces without an infra container"
            )
        if options.publish:
            raise InvalidArgument(
                "you must have an infra container to publish port bindings to the host"
            )
        if options.network or options.dns or options.add_hosts or options.hostname:
            raise InvalidArgument("the pod's network and host name need an infra container")
        if options.ip or options.ip6 or options.network_aliases:
            raise InvalidArgument(
                "--ip, --ip6 and --network-alias of a pod need an infra container"
            )
        if options.mac_address:  # podman's words
            raise InvalidArgument("cannot set --mac without infra container: invalid argument")
        shared = ()
    elif "net" not in shared and (options.ip or options.ip6 or options.network_aliases):
        raise InvalidArgument(
            "--ip, --ip6 and --network-alias of a pod need it to share its network (--share net)"
        )
    elif "net" not in shared and options.mac_address:  # podman's words: its infra has none
        raise InvalidArgument(
            "invalid config provided: networks and static ip/mac address can only be used "
            "with Bridge mode networking"
        )
    if options.infra_command is not None and not infra:
        raise InvalidArgument("--infra-command needs an infra container")
    if options.shm_size is not None:
        from hutch.engine.nsmodes import shm_size

        shm_size(options.shm_size)  # its syntax, before anything exists
        if not infra:
            raise InvalidArgument("--shm-size on a pod needs an infra container")
    if pod_member.has_userns(options):
        from hutch.engine import userns as um

        # syntax and combinations, before anything exists (the infra checks the
        # maps against the session's ids when it is made)
        um.parse_userns_options(pod_infra.security(options))
        if not infra:
            # members share the infra's user namespace: without one there is none
            given = (
                ("--userns", pod_member.pod_userns(options.userns)),
                ("--uidmap", options.uidmap),
                ("--gidmap", options.gidmap),
                ("--subuidname", options.subuidname),
                ("--subgidname", options.subgidname),
            )
            flag = next(name for name, value in given if value)
            raise InvalidArgument(f"{flag} on a pod needs an infra container")
    from hutch.engine import pod_modes

    pod_modes.check(options, shared, infra)
    hostname = pod_modes.own_hostname(options, name)
    config = PodConfig(options, hostname, shared, options.exit_policy)
    return PodPlan(name, config, infra)


class PodService(PodList):
    """``engine.pods`` (``hutch.api.pods.Pods``)."""

    def __init__(
        self, ctx: EngineContext, containers: PodContainers, verbs: Containers | None = None
    ) -> None:
        self._ctx = ctx
        self._containers = containers
        self._verbs = verbs  # engine.containers: pause, top, logs, stats, create

    @property
    def _all_verbs(self) -> Containers:
        assert self._verbs is not None, "built without engine.containers"
        return self._verbs

    # -- create ------------------------------------------------------------

    def create(self, options: PodCreateOptions) -> str:
        from hutch.engine.pod_modes import read_files

        return self._create(read_files(options), frozenset())

    def _create(
        self,
        options: PodCreateOptions,
        released: frozenset[tuple[int, str]],
        *,
        clone: bool = False,
    ) -> str:
        """``released``: host ports a pod about to be removed holds (pod clone --destroy),
        which the infra may publish though they are in use now; ``clone``: a pod clone,
        whose static address the pod it was cloned from may hold (pod_addresses)."""
        if options.no_hosts is None:
            # containers.conf's no_hosts is the pod's --no-hosts default too (podman's
            # network flags); a bool from here on, in the record and the infra's options
            defaults = self._ctx.settings.defaults
            options = replace(options, no_hosts=bool(defaults and defaults.no_hosts))
        plan = plan_pod(options)
        pod_id = new_id()
        cgroup_path, limits = pod_cgroup.plan(options, self._ctx.settings, pod_id)
        plan = replace(plan, config=replace(plan.config, cgroup_path=cgroup_path, limits=limits))
        if options.replace and options.name:
            self.remove([options.name], PodRemoveOptions(force=True, ignore=True))
        record = self._ctx.pods.create(pod_id, plan.name, pod_record.encode(plan.config))
        try:
            pod_cgroup.ensure(plan.config)
            if plan.infra:
                self._make_infra(record, plan, released, clone)
        except BaseException:
            self._discard(record)
            raise
        self._event(record, "create")
        return pod_id

    def _make_infra(
        self,
        record: PodRecord,
        plan: PodPlan,
        released: frozenset[tuple[int, str]],
        clone: bool,
    ) -> None:
        options = plan.config.options
        if options.infra_command is None and self._ctx.settings.infra_command:
            # containers.conf's [engine] infra_command: --infra-command's default
            options = replace(options, infra_command=self._ctx.settings.infra_command)
        self._ctx.enter_session()
        if not options.infra_image:
            pod_infra.ensure_image(self._ctx)
        share_net = "net" in plan.config.shared
        run = pod_infra.infra_options(
            options,
            name=options.infra_name or f"{record.id[:12]}-infra",
            hostname=plan.config.hostname,
            network=options.network if share_net else "none",
            share_net=share_net,
            cgroup_parent=pod_cgroup.member_parent(plan.config) or None,
        )
        infra_id = self._containers.create_infra(run, record.id, released, shared_address=clone)
        self._ctx.pods.set_infra(record.id, infra_id)
        if options.infra_conmon_pidfile:
            pod_infra.write_monitor_pidfile(self._ctx, infra_id, options.infra_conmon_pidfile)

    def _discard(self, record: PodRecord) -> None:
        """A failed create: whatever of the pod exists goes."""
        ids = [c.id for c in self._ctx.containers.of_pod(record.id)]
        if ids:
            self._containers.remove_containers(ids, RemoveContainerOptions(force=True), infra=True)
        pod_cgroup.remove(pod_record.decode(record.config))
        self._ctx.pods.delete(record.id)

    # -- queries -------------------------------------------------------------

    def _members(self, record: PodRecord) -> list[cs.Container]:
        return [cs.load(self._ctx, r, lenient=True) for r in self._ctx.containers.of_pod(record.id)]

    def inspect(self, names: Sequence[str]) -> list[PodInspect]:
        return [self._inspect(self._ctx.pods.find(name)) for name in names]

    def _inspect(self, record: PodRecord) -> PodInspect:
        config = pod_record.decode(record.config)
        summary = self._summary(record)
        infra_config = None
        mounts: tuple[InspectMount, ...] = ()
        if record.infra_id:
            infra_config = self._infra_config(record, config)
            mounts = self._infra_mounts(record)
        return PodInspect(
            id=record.id,
            name=record.name,
            created=go_time(record.created),
            create_command=config.options.create_command,
            exit_policy=config.exit_policy,
            state=summary.status,
            hostname=config.options.hostname or "",
            labels=dict(config.labels),
            create_cgroup=bool(config.cgroup_path),
            cgroup_parent=pod_cgroup.parent_of(config),
            cgroup_path=config.cgroup_path,
            create_infra=bool(record.infra_id),
            infra_container_id=record.infra_id,
            infra_config=infra_config,
            shared_namespaces=inspect_namespace_order(
                config.shared, pod_member.has_userns(config.options)
            ),
            num_containers=len(summary.members),
            containers=summary.members,
            limits=replace(
                pod_cgroup.inspect_limits(config),
                mounts=mounts or None,
                volumes_from=config.options.volumes_from or None,
                security_opt=config.options.security_opt or None,
            ),
        )

    def _infra_mounts(self, record: PodRecord) -> tuple[InspectMount, ...]:
        """podman's "mounts" of a pod: its infra container's (none when it is gone)."""
        try:
            infra = cs.get(self._ctx, record.infra_id)
        except HutchError:
            return ()
        return pod_infra.pod_mounts(infra.config.mounts, infra.config.options.volumes)

    def _infra_config(self, record: PodRecord, config: PodConfig) -> PodInfraConfig:
        options = config.options
        bindings: dict[str, tuple[PodPortBinding, ...]] = {}
        try:
            infra = cs.get(self._ctx, record.infra_id)
            ports = infra.config.ports
            network = infra.config.options.network
        except HutchError:
            ports, network = (), ""
        for port in ports:
            key = f"{port.container_port}/{port.protocol}"
            binding = PodPortBinding(port.host_ip, str(port.host_port))
            bindings[key] = (*bindings.get(key, ()), binding)
        from hutch.engine import netconfig, nsmodes

        networks = tuple(netconfig.user_networks(network)) if network else ()
        return PodInfraConfig(
            port_bindings=bindings,
            host_network=network == "host",
            static_ip="",
            static_mac="",
            no_manage_resolv_conf=False,
            dns_server=options.dns or None,
            dns_search=options.dns_search or None,
            dns_option=options.dns_options or None,
            no_manage_hosts=bool(options.no_hosts),
            host_add=options.add_hosts or None,
            networks=networks or None,
            network_options=None,
            cpu_period=config.limits.cpu_period or None,
            cpu_quota=config.limits.cpu_quota or None,
            cpuset_cpus=config.limits.cpuset_cpus or None,
            pid_ns=nsmodes.inspect_mode(options.pid),  # host, as podman's; ns:PATH
            userns="private" if pod_member.has_userns(options) else "host",
            uts_ns=nsmodes.inspect_mode(options.uts),
        )

    # -- verbs on every member ---------------------------------------------------

    def _each(
        self,
        names: Sequence[str],
        all_: bool,
        action: Callable[[PodRecord], None],
        *,
        ignore: bool = False,
        missing_code: int | None = None,
        forced: bool = False,
    ) -> list[ActionReport]:
        """``action`` on each pod, one report per name in order. The names given are
        all resolved first, as podman does: with one missing (and no ``ignore``) it
        acts on none and reports only that one (``pod rm p1 nosuch`` keeps p1)."""
        if all_:
            names = [r.id for r in self._ctx.pods.all()]
        # with --all, a pod gone since the listing is that pod's error alone
        found = container_select.resolved(
            names,
            self._ctx.pods.find,
            ignore=ignore,
            named=not all_,
            missing_code=missing_code,
            forced=forced,
        )
        reports = []
        for name, item in found:
            if isinstance(item, ActionReport):
                reports.append(item)
                continue
            try:
                action(item)
                reports.append(ActionReport(name, item.id))
            except NoSuchObject as exc:  # gone meanwhile, or a member's lookup
                if not ignore:
                    code = exc.exit_code if missing_code is None else missing_code
                    reports.append(ActionReport(name, error=str(exc), exit_code=code))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _start_members(self, record: PodRecord, verb: str = "starting") -> None:
        """The init containers that have not yet completed first, one at a time in
        the order they were made, each to a zero exit (as ``kube play`` runs them),
        then the infra and the other members. One that completed stays done, as
        podman's "once" init containers (removed once they have run) do. A member that
        does not start is named in podman's words: "``verb`` container ID: CAUSE"."""
        members = self._members(record)
        inits = [m for m in members if m.record.id != record.infra_id and _is_init(m)]
        for init in inits:
            kind = _init_kind(init)  # create --init-ctr's always or once; kube play's true
            done_before = init.state.status == "exited" and init.state.exit_code == 0
            if done_before and kind != "always":
                continue
            _check_started(self._containers.start([init.record.id], StartOptions()), verb)
            (done,) = self._containers.wait([init.record.id], WaitOptions())
            if done.error:
                raise HutchError(f"init container {init.record.name}: {done.error}")
            if done.exit_code:
                raise HutchError(
                    f"init container {init.record.name} exited with code {done.exit_code}"
                )
            if kind == "once":  # podman's: it ran, and goes
                self._containers.remove_containers(
                    [init.record.id], RemoveContainerOptions(force=True), infra=False
                )
        skip = {m.record.id for m in inits}
        ids = [i for i in self._ordered(record) if i not in skip]
        _check_started(self._containers.start(ids, StartOptions()), verb)

    def _ordered(self, record: PodRecord) -> list[str]:
        """Member ids, the infra first."""
        ids = [c.id for c in self._ctx.containers.of_pod(record.id)]
        return sorted(ids, key=lambda i: i != record.infra_id)

    def remove(self, names: Sequence[str], options: PodRemoveOptions) -> list[ActionReport]:
        self._ctx.enter_session()

        def one(record: PodRecord) -> None:
            members = self._members(record)
            running = [m for m in members if m.running or m.state.status == "paused"]
            if running and not options.force:
                first = next((m for m in running if m.record.id != record.infra_id), running[0])
                err = Conflict(
                    f"pod {record.id} has running containers: cannot remove container "
                    f"{first.record.id} as it is {first.state.status} - running or paused "
                    "containers cannot be removed without force: container state improper"
                )
                err.exit_code = 2
                raise err
            ids = list(reversed(self._ordered(record)))  # the infra last
            if running:
                self._stop_members(record, ids, options.timeout)
            # and their anonymous volumes, the pod's -v ones too (podman's pod rm)
            rm = RemoveContainerOptions(force=True, timeout=options.timeout, volumes=True)
            for report in self._containers.remove_containers(ids, rm, infra=True):
                if report.error:
                    raise HutchError(report.error)
            pod_cgroup.remove(pod_record.decode(record.config))
            self._ctx.pods.delete(record.id)
            self._event(record, "remove")

        # podman pod rm: 1 when a pod does not exist
        return self._each(
            names, options.all, one, ignore=options.ignore, missing_code=1, forced=options.force
        )

    def start(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            if not self._ordered(record):
                raise Conflict(  # podman's words (libpod's dependency graph of the pod)
                    f"no containers in pod {record.id} have no dependencies, cannot start pod: "
                    "no such container"
                )
            self._start_members(record)
            self._event(record, "start")

        return self._each(names, options.all, one)

    def stop(self, names: Sequence[str], options: PodStopOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            ids = list(reversed(self._ordered(record)))
            self._stop_members(record, ids, options.timeout)
            self._event(record, "stop")

        return self._each(names, options.all, one, ignore=options.ignore)

    def restart(self, names: Sequence[str], options: PodStopOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            ids = self._ordered(record)
            self._stop_members(record, ids[::-1], options.timeout)
            self._start_members(record, "restarting")
            self._event(record, "restart")

        return self._each(names, options.all, one, ignore=options.ignore)

    def kill(self, names: Sequence[str], options: PodKillOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            running = [m.record.id for m in self._members(record) if m.running]
            if not running:
                raise Conflict(f"no containers in pod {record.id} are running")
            self._check(self._containers.kill(running, KillOptions(signal=options.signal)))
            self._event(record, "kill")

        return self._each(names, options.all, one)

    def prune(self) -> list[PruneReport]:
        """Every pod none of whose containers runs or is paused goes (podman's rule)."""
        stopped = [
            s.id
            for s in (self._summary(r) for r in self._ctx.pods.all())
            if not any(m.state in ("running", "paused") for m in s.members)
        ]
        reports = self.remove(stopped, PodRemoveOptions())
        return [PruneReport(r.id or r.name, error=r.error) for r in reports]

    def pause(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            running = [m.record.id for m in self._members(record) if m.running]
            if not running:
                raise Conflict(f"no containers in pod {record.id} are running")
            self._check(self._all_verbs.pause(running, PauseOptions()))
            self._event(record, "pause")

        return self._each(names, options.all, one)

    def unpause(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]:
        def one(record: PodRecord) -> None:
            paused = [m.record.id for m in self._members(record) if m.state.status == "paused"]
            if not paused:
                raise Conflict(f"no containers in pod {record.id} are paused")
            self._check(self._all_verbs.unpause(paused, PauseOptions()))
            self._event(record, "unpause")

        return self._each(names, options.all, one)

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport:
        """The processes of every running member, as one table (podman's pod top)."""
        record = self._ctx.pods.find(name)
        running = [m for m in self._members(record) if m.running]
        if not running:
            raise Conflict(f"no containers in pod {record.id} are running")
        from hutch.api.containers import without_ps_options

        wanted = without_ps_options(descriptors)
        reports = [self._all_verbs.top(m.record.id, wanted) for m in running]
        rows = tuple(row for report in reports for row in report.rows)
        return TopReport(reports[0].headers, rows)

    def stats(self, names: Sequence[str], options: PodSelectOptions) -> list[PodStatsReport]:
        records = self._ctx.pods.all() if options.all or not names else []
        if names and not options.all:
            records = [self._ctx.pods.find(n) for n in names]
        out = []
        for record in records:
            running = [m.record.id for m in self._members(record) if m.running]
            if not running:
                continue
            for report in self._all_verbs.stats(running, StatsOptions()):
                out.append(PodStatsReport(record.id, record.name, report))
        return out

    def logs(self, options: PodLogsOptions) -> Iterator[PodLogLine]:
        """The logs of the pod's members (not the infra), oldest first; with
        ``follow``, as they come, until every member has stopped."""
        record = self._ctx.pods.find(options.name)
        members = [m for m in self._members(record) if m.record.id != record.infra_id]
        if options.container is not None:
            wanted = cs.find(self._ctx, options.container)
            if wanted.pod_id != record.id:
                raise InvalidArgument(f"container {options.container} is not in pod {record.name}")
            members = [m for m in members if m.record.id == wanted.id]
        from hutch.engine.container_query import own_logs_reader
        from hutch.engine.pod_logs import merged_logs

        listed = [(m.record.id, m.record.name) for m in members]
        # --color: each member's lines take the colour of its place in the pod's list,
        # where the infra (which logs nothing) comes first, as podman 4.3.1 colours them
        first = 1 if record.infra_id and options.container is None else 0
        place = {cid: first + index for index, (cid, _) in enumerate(listed)}
        return (
            replace(e, line=replace(e.line, container_index=place[e.container_id]))
            for e in merged_logs(lambda: own_logs_reader(self._ctx), listed, options)
        )

    def clone(self, name: str, options: PodCloneOptions) -> str:
        """A new pod made with the same options (and changes), and each member made
        again from its recorded options in it (named NAME-clone, as podman). As
        podman, the clone is made first: only once it exists does ``destroy`` remove
        the original, so a clone that fails leaves the original as it was."""
        from hutch.engine import pod_addresses, pod_clone

        record = self._ctx.pods.find(name)
        config = pod_record.decode(record.config)
        taken = self._names()
        from hutch.engine.pod_modes import read_files

        pod_options = replace(
            pod_clone.clone_options(config.options, read_files(options.changes)),
            name=options.changes.name or clone_name(record.name, taken),
        )
        members = [m for m in self._members(record) if m.record.id != record.infra_id]
        # the original's host ports are the clone's to take over once it is gone
        released = pod_clone.published_ports(config.options) if options.destroy else frozenset()
        # its static addresses are kept, as podman's clone keeps them: the clone's
        # infra is made without those another holds (the original, or another clone
        # of it), and takes them when it starts (pod_addresses); its other addresses
        # (a dual stack's automatic IPv6) are its own
        pod_id = self._create(pod_options, released, clone=True)
        try:
            for member in members:
                member_name = clone_name(member.record.name, taken)
                taken.add(member_name)
                run = replace(
                    pod_member.own_options(member.config.options, config),
                    name=member_name,
                    pod=pod_id,
                    detach=True,
                    replace=False,
                    cidfile=None,
                )
                self._all_verbs.create(run)
        except BaseException:
            self.remove([pod_id], PodRemoveOptions(force=True, ignore=True))
            raise
        try:
            if options.destroy:
                clone_infra = self._ctx.pods.find(pod_id).infra_id
                pod_addresses.hand_over(self._ctx, record.infra_id, clone_infra)
                self._check(self.remove([record.id], PodRemoveOptions(force=True)))
            if options.start:
                self._check(self.start([pod_id], PodSelectOptions()))
        except HutchError as exc:
            # podman's words: the clone stays, and the user is told which it is
            exc.message = f"pod {pod_id} created but error after creation: {exc.message}"
            raise
        return pod_id

    def spec(self, name: str, new_name: bool = True) -> dict[str, Any]:
        from hutch.engine.spec_json import pod_spec

        record = self._ctx.pods.find(name)
        options = pod_record.decode(record.config).options
        own = clone_name(record.name, self._names()) if new_name else record.name
        return pod_spec(replace(options, name=own))

    def _names(self) -> set[str]:
        """The names in use: pods and containers share one namespace of names."""
        names = {r.name for r in self._ctx.pods.all()}
        return names | {r.name for r in self._ctx.containers.all()}

    def _stop_members(self, record: PodRecord, ids: Sequence[str], timeout: int | None) -> None:
        """The members (``stop`` stops several together), then the infra, which holds
        their namespaces."""
        members = [i for i in ids if i != record.infra_id]
        if members:
            self._check(self._containers.stop(members, StopOptions(timeout=timeout)))
        if record.infra_id in ids:
            self._check(self._containers.stop([record.infra_id], StopOptions(timeout=timeout)))

    @staticmethod
    def _check(reports: list[ActionReport]) -> None:
        errors = [r.error for r in reports if r.error]
        if errors:
            raise HutchError("; ".join(errors))

    def _event(self, record: PodRecord, action: str) -> None:
        try:  # current podman's pod events carry the pod's labels
            labels = dict(pod_record.decode(record.config).labels)
        except (ValueError, TypeError, KeyError):
            labels = {}
        engine_events.record(
            self._ctx.paths if self._ctx.settings.events_logger != "none" else None,
            "pod",
            action,
            record.id,
            record.name,
            **labels,
        )


def _check_started(reports: list[ActionReport], verb: str) -> None:
    """The members that did not start, each in podman's words (pod start's
    "starting container ID: CAUSE", pod restart's "restarting ...")."""
    errors = [
        f"{verb} container {r.id}: {r.error}" if r.id else r.error for r in reports if r.error
    ]
    if errors:
        raise HutchError("; ".join(errors))


def inspect_namespace_order(shared: tuple[str, ...], userns: bool = False) -> tuple[str, ...]:
    # podman 4.3.1 lists uts, ipc, net (then cgroup, pid) in pod inspect, and
    # "user" first when the pod has a user namespace (--userns or id maps)
    order = ("uts", "ipc", "net", "cgroup", "pid")
    user = ("user",) if userns else ()
    return user + tuple(ns for ns in order if ns in shared)


def _is_init(member: cs.Container) -> bool:
    return _init_kind(member) is not None


def _init_kind(member: cs.Container) -> str | None:
    """always, once (create --init-ctr), true (kube play's: run until it completes), or
    None: no init container."""
    labels = member.config.labels
    return next((value for key, value in labels if key == INIT_CONTAINER_LABEL), None)

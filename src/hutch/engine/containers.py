"""Container life cycle: create, start, run, stop, kill, restart, rm, wait."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from hutch.api.container_actions import (
    ActionReport,
    CleanupOptions,
    KillOptions,
    RemoveContainerOptions,
    RunReport,
    StartOptions,
    StopOptions,
    WaitOptions,
)
from hutch.api.errors import Conflict, HutchError, Interrupted, InvalidArgument, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.store.containers import ContainerDirs, ContainerRecord
from hutch.store.layers import remove_tree
from hutch.util import testpoint

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# What only create, run and start need (the create plan, the spec, the monitor's
# start, networks, volumes, pods, health checks) loads in those methods: stop, kill,
# rm and wait import this module too, and the run half was most of their start.
# The other way round, what only the verbs of existing containers need (the name
# resolution of container_select, stopping with its signal parsing, restart_lock)
# loads in theirs: create reads none of it (issue 16).
if TYPE_CHECKING:
    from hutch.api.container_config import RunOptions
    from hutch.engine import (
        container_record,
        container_select,
        health_notify,
        notify_relay,
        pod_member,
        rootfs_dir,
    )
    from hutch.engine.create_plan import CreatePlan
    from hutch.runtime import spawn
    from hutch.runtime.signalproxy import SignalProxy
    from hutch.runtime.spec import Rootfs
    from hutch.store.images import ImageRecord
    from hutch.volumes.specs import MountRequest


class ContainerService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx
        # prepare_starts' monitors, each taken by a start that brings none
        self._ready: list[spawn.Prespawned] = []
        # the last container this service created, with the config it recorded: run's
        # start takes it instead of decoding it back (``_created``); one, so bounded
        self._made: tuple[str, container_record.ContainerConfig] | None = None

    # -- create / start / run ------------------------------------------------

    def create(self, options: RunOptions, cancelled: Callable[[], bool] | None = None) -> str:
        """The new container's id; ``cancelled`` stops the image's pull (``run``'s ^C)."""
        from hutch.engine import run_flags

        options = run_flags.with_pod_id_file(options)
        pod = options.pod or ""
        if not pod.startswith("new:"):
            return self._create(options, cancelled=cancelled)
        # new:NAME: the pod first (with the ports, which belong to it), then the
        # member; a member that cannot be made takes its new pod with it.
        from hutch.api.pods import PodCreateOptions, PodRemoveOptions
        from hutch.engine.pods import PodService

        pods = PodService(self._ctx, self)
        pod_id = pods.create(PodCreateOptions(name=pod[4:], publish=options.net.publish))
        member = replace(options, pod=pod_id, net=replace(options.net, publish=()))
        try:
            return self._create(member, cancelled=cancelled)
        except BaseException:
            pods.remove([pod_id], PodRemoveOptions(force=True, ignore=True))
            raise

    def create_infra(
        self,
        options: RunOptions,
        pod_id: str,
        released_ports: frozenset[tuple[int, str]],
        *,
        shared_address: bool = False,
    ) -> str:
        """The infra container of ``pod_id`` (engine/pods.py): in the pod, joining nothing;
        ``released_ports``: host ports the pod it replaces holds (ports.Released);
        ``shared_address``: a pod clone's, whose static address the pod it was cloned
        from may hold (engine/pod_addresses.py)."""
        return self._create(
            options,
            infra_of=pod_id,
            released_ports=released_ports,
            shared_address=shared_address,
        )

    def _create(
        self,
        options: RunOptions,
        infra_of: str = "",
        released_ports: frozenset[tuple[int, str]] = frozenset(),
        cancelled: Callable[[], bool] | None = None,
        shared_address: bool = False,
    ) -> str:
        from hutch.engine import container_mounts, pod_member, rootfs_dir
        from hutch.engine.create_plan import parse_create, plan_create

        member = None
        if not infra_of:
            options, member = pod_member.join_options(self._ctx, options)
        request = parse_create(options, self._ctx.settings)
        if released_ports or shared_address:
            request = replace(request, released_ports=released_ports, shared_address=shared_address)
        if request.options.requires:
            required = _required_ids(self._ctx, request.options.requires)
            request = replace(request, options=replace(request.options, requires=required))
        source = None
        if request.options.rootfs:  # a directory, no image: nothing to look up or pull
            source = rootfs_dir.parse(request.options.image)
            rootfs_dir.check_userns(source, request.options.security)
            # recorded absolute, as inspect shows it
            request = replace(request, options=replace(request.options, image=source.text()))
        options = request.options
        if options.replace and options.name:  # parse_create refused it without --name
            self._replace(options.name)
        self._ctx.enter_session()
        pod_id = infra_of or (member.pod_id if member else "")
        if source is not None:
            mount_requests = container_mounts.plan_mounts(self._ctx, options.volumes, ())
            plan = plan_create(
                request, rootfs_dir.image_config(), self._ctx.settings, self._ctx.driver.name
            )
            return self._execute(plan, None, mount_requests, pod_id, member, source)
        from hutch.engine.pull_policy import image_for_run  # registry code only when needed

        image = image_for_run(self._ctx, options.image, options.pull, cancelled)
        mount_requests = container_mounts.plan_mounts(
            self._ctx, options.volumes, image.config.config.volumes
        )
        plan = plan_create(request, image.config, self._ctx.settings, self._ctx.driver.name)
        return self._execute(plan, image, mount_requests, pod_id, member)

    def _execute(
        self,
        plan: CreatePlan,
        image: ImageRecord | None,
        mount_requests: list[MountRequest],
        pod_id: str = "",
        member: pod_member.Membership | None = None,
        source: rootfs_dir.RootfsDir | None = None,
    ) -> str:
        """Store the planned container: record, addresses, rootfs, bundle, volumes.

        ``image`` None: ``source`` (--rootfs) is its root; the record names no image.
        """
        from hutch.engine import (
            container_mounts,
            logconfig,
            netconfig,
            notify_relay,
            nsmodes,
            pod_member,
            rootfs_dir,
            systemd_mode,
        )
        from hutch.engine.hostsfile import conf_of
        from hutch.engine.specbuild import build_spec, command_line, own_env
        from hutch.runtime import spawn
        from hutch.store.db import ensure_room
        from hutch.util.ids import new_id

        options, name, config = plan.request.options, plan.name, plan.config
        localtime, resources = plan.request.localtime, plan.request.resources
        network = plan.network
        if netconfig.looks_up_records(options.network):
            from hutch.engine import networks as engine_networks

            network = engine_networks.prepare(self._ctx, options, network)
        driver = config.driver
        container_id = new_id()
        from hutch.engine.resolve import resolved_name
        from hutch.engine.transports import split_transport

        if image is None:
            image_id, image_name, image_config = "", "", rootfs_dir.image_config()
        else:
            image_id, image_config = image.id, image.config
            image_name = resolved_name(image.names, options.image)
            if split_transport(options.image) is not None:
                # what it was stored as, not the archive's path; podman's full id when
                # the copy is nameless
                image_name = image.names[0] if image.names else image.id
        if not command_line(options, image_config):
            raise InvalidArgument(
                # podman's words, and its order: before the name is looked at
                "no command or entrypoint provided, and no CMD or ENTRYPOINT from image"
            )
        testpoint.pause("create-before-record")
        # Before the record: a run that finds no room leaves nothing behind.
        ensure_room(self._ctx.paths.storage)
        from hutch.engine import container_record

        encoded = container_record.encode(config)
        record = recorded(
            # Not synced: the config's commit below syncs it with its own (a create
            # cut short by a power loss leaves nothing the user was told of).
            lambda n: self._ctx.containers.create(
                container_id, n, image_id, image_name, encoded, pod_id, durable=False
            ),
            name,
            chosen=not options.name,
        )
        name = record.name
        dirs = self._ctx.containers.dirs(record.id)
        try:
            if network.mode == "bridge":  # (prepare checked its networks)
                from hutch.engine import networks as engine_networks

                network = engine_networks.allocate(
                    self._ctx, record.id, options, network, shared=plan.request.shared_address
                )
            elif network.port_proxy and network.ports:
                from hutch.engine.netrun import rundir

                # the rootless namespace's port proxy holds them: where, and for whom
                network = replace(
                    network, runtime_dir=str(rundir(self._ctx)), container_id=record.id
                )
            if source is not None:
                rootfs = rootfs_dir.rootfs(source, dirs, driver)
            else:
                assert image is not None
                rootfs = self._prepare_rootfs(image, dirs, driver)
            if options.remove and rootfs.kind == "overlay":
                rootfs = replace(rootfs, volatile=True)  # (runtime/spec.py Rootfs)
            joined = nsmodes.resolve(self._ctx, options.namespaces)
            hostname = options.hostname or nsmodes.hostname(options, joined)
            spec = build_spec(
                container_id=record.id,
                name=name,
                options=replace(options, hostname=hostname),
                image=image_config,
                rootfs=rootfs,
                dirs=dirs,
                network=network,
                hosts_conf=conf_of(self._ctx.settings.defaults),
            )
            spec = nsmodes.apply(spec, options, joined)
            # --hostname as typed: a pod member's name is the pod's (its UTS namespace's)
            typed = bool(options.hostname) and not (member and "uts" in member.shared)
            process = replace(spec.process, own_env=own_env(options, image_config, typed))
            spec = replace(spec, process=process)
            if member is not None:
                infra_dirs = self._ctx.containers.dirs(member.infra_id) if member.infra_id else None
                spec = pod_member.member_spec(spec, member, infra_dirs, name)
                spec = pod_member.link_shared_files(spec, member, dirs.userdata)
            mounts, mount_records = container_mounts.attach_mounts(
                self._ctx, record.id, mount_requests
            )
            log = logconfig.log_spec(options.log.driver, options.log.opts, dirs.userdata)
            spec = replace(
                spec, mounts=spec.mounts + localtime + mounts, resources=resources, log=log
            )
            from hutch.engine import containerenv

            identity = None
            if options.security.privileged:  # podman names them to a privileged one only
                identity = containerenv.ContainerIdentity(name, record.id, image_name, image_id)
            rootless = self._ctx.enter_session().mode != "root"
            spec = containerenv.add(spec, dirs.userdata, identity, mount_records, rootless)
            spec, systemd = systemd_mode.apply(spec, options)
            spec = notify_relay.apply(spec, options.sdnotify, dirs.userdata)
            from hutch.engine import userns_plan  # --userns, --uidmap, --subuidname

            security, pod_userns = options.security, None
            if member is not None and member.userns:
                # the pod's user namespace: the infra's maps, its --userns for keep-id's user
                security = replace(security, userns=member.userns)
                pod_userns = pod_member.infra_userns(self._ctx, member)
            spec = userns_plan.apply(
                self._ctx, record.id, security, options.user is not None, spec, dirs, pod_userns
            )
            # the recorded environment leaves out the secrets' values (inspect shows it)
            env = spec.process.env
            secret_ids: tuple[str, ...] = ()
            if options.secrets:
                from hutch.engine.secret_refs import parse_secrets
                from hutch.engine.secrets import apply_secrets

                refs = parse_secrets(options.secrets)
                spec, secret_ids = apply_secrets(self._ctx, refs, spec, dirs.userdata)
            spawn.write_bundle(spec, dirs.userdata)
            config = replace(
                config,
                command=spec.process.args,
                env=env,
                hostname=spec.hostname,
                systemd=systemd,
                workdir=spec.process.cwd,
                user=spec.process.user.spec,
                image_config=image_config.config,
                mounts=mount_records,
                ports=spec.network.ports,
                secret_ids=secret_ids,
            )
            # A --rm container's records need not outlive a power loss (its rootfs and
            # bundle are not synced either): no fsync on run --rm's path.
            self._ctx.containers.set_config(
                record.id, container_record.encode(config), durable=not options.remove
            )
            defaults = self._ctx.settings.defaults
            if defaults is not None and defaults.prepare_volume_on_create and mount_records:
                from hutch.engine.volume_firstmount import first_mounts

                # containers.conf's prepare_volume_on_create: the copy-up the first
                # start would do, now (podman's)
                first_mounts(self._ctx, cs.get(self._ctx, record.id), chown=False)
            if options.cidfile:
                _write_cidfile(options.cidfile, record.id)
        except BaseException:
            self._discard(record, dirs, volumes=True)
            raise
        self._event(record, "create", config)
        self._made = (record.id, config)
        return record.id

    def _created(self, container_id: str) -> cs.Container:
        """The container ``create`` just made, with the config it encoded rather than
        that config decoded back from the record: the decode and its type walk were
        3 ms of ``run``'s CPU (issue 16). The record is not changed in between (only
        ``update`` rewrites a config)."""
        made, self._made = self._made, None
        if made is None or made[0] != container_id:
            return cs.get(self._ctx, container_id)
        found = cs.load(self._ctx, cs.find(self._ctx, container_id), decode=False)
        return replace(found, given=made[1])

    def _replace(self, name: str) -> None:
        """``--replace``: the container that holds the name goes first (podman's rule)."""
        options = RemoveContainerOptions(force=True, ignore=True)
        for report in self.remove((name,), options):
            if report.error:
                raise Conflict(f"cannot replace container {name}: {report.error}")

    def run(self, options: RunOptions) -> RunReport:
        if options.remove_image:  # --rmi implies --rm (current podman)
            options = replace(options, remove=True)
        report = self._run(options)
        if options.remove_image and not options.rootfs:
            self._remove_image(options.image)
        return report

    def _remove_image(self, name: str) -> None:
        """``--rmi``: the image goes unless another container uses it (a warning then)."""
        from hutch.api.images import RemoveImageOptions
        from hutch.engine.images import ImageService

        for report in ImageService(self._ctx).remove([name], RemoveImageOptions(ignore=True)):
            if report.error:
                print(f"WARN: --rmi: {report.error}", file=sys.stderr)

    def _run(self, options: RunOptions) -> RunReport:
        from hutch.engine import run_flags
        from hutch.runtime import spawn
        from hutch.runtime.relay import Detached
        from hutch.runtime.signalproxy import SignalProxy

        passthrough = self.passes_streams(options)
        if passthrough and options.attach:
            raise InvalidArgument(  # podman's words
                "cannot specify --attach with --log-driver=passthrough: invalid argument"
            )
        # Attached: from the first moment, signals are queued for the container.
        proxied = not options.detach and options.lifecycle.sig_proxy
        # before the monitor is spawned, which inherits them
        passed = run_flags.passed_descriptors(options.preserve_fds)
        proxy = SignalProxy() if proxied else None
        try:
            prespawned = self._prespawn(self._foreseen_network(options), creating=True)
            try:
                container_id = self.create(options, proxy.interrupted if proxy else None)
            except BaseException:
                if prespawned is not None:
                    spawn.abandon(prespawned)
                if proxy is not None and proxy.interrupted():
                    # ^C during the pull, held for a container that will not be:
                    # the run ends as podman's, 1 and no message
                    raise Interrupted from None
                raise
            stdin, stdout, stderr = run_flags.attached(options)
            try:
                with _streams(stdout, stderr) as stdio:
                    code = self._start(
                        self._created(container_id),
                        attach=not options.detach,
                        interactive=options.interactive and stdin,
                        proxy=proxy,
                        prespawned=prespawned,
                        sig_proxy=proxied,
                        stdio=stdio,
                        passed=passed,
                        just_created=True,
                    )
            except Detached:
                # The detach keys: the container runs on, as after run -d, but
                # podman prints nothing and exits 0.
                return RunReport(container_id, 0)
            except HutchError:
                if options.remove:
                    self._remove_quietly(container_id)
                raise
        finally:
            if proxy is not None:
                proxy.close()
        if options.detach:
            return RunReport(container_id, None, passthrough=passthrough)
        self._after_member_exit(container_id)
        if options.remove:
            self._remove_quietly(container_id)
        return RunReport(container_id, code)

    def passes_streams(self, options: RunOptions) -> bool:
        """Whether the container will have the caller's streams (--log-driver
        passthrough, or containers.conf's log_driver where the flag is not given):
        run -d and create print no id for it, as podman's."""
        from hutch.engine.conf_defaults import log_driver
        from hutch.engine.logconfig import passes_streams

        return passes_streams(log_driver(options.log.driver, self._ctx.settings.defaults))

    def _prespawn(
        self, early: spawn.ForeseenNetwork | None = None, creating: bool = False
    ) -> spawn.Prespawned | None:
        """Start the monitor now, so its start-up overlaps ``create`` (``creating``: ours,
        which follows) and with ``early``, pasta's (``spawn.ForeseenNetwork``).

        Only after the arguments that need no storage were checked would be
        nicer, but the monitor must be born in the session user namespace,
        which ``create`` enters anyway. Without it, ``_start`` spawns one.
        """
        from hutch.runtime import spawn

        try:
            self._ctx.enter_session()
            return spawn.prespawn(early, shared=creating)
        except HutchError:
            return None  # the usual path will meet (and report) the same problem

    def _foreseen_network(self, options: RunOptions) -> spawn.ForeseenNetwork | None:
        """The network for the monitor to make while this run creates the container,
        where the flags tell it (``netconfig.foreseen``): pasta's start, or a
        namespace with lo up, off run's path."""
        from hutch.engine import netconfig
        from hutch.runtime import spawn

        net = netconfig.foreseen(options, self._ctx.settings)
        if net is None or (net.mode == "private" and net.backend != "pasta"):
            return None
        paths = self._ctx.paths
        fifo_dir = paths.attach_sockets  # the runtime directory's (ours alone)
        if net.mode == "private":
            try:
                fifo_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                paths.containers.mkdir(parents=True, exist_ok=True)
            except OSError:
                return None
        return spawn.ForeseenNetwork(net, fifo_dir, paths.containers)

    def prepare_starts(self, count: int) -> None:
        for _ in range(count):
            prespawned = self._prespawn()
            if prespawned is None:
                return
            self._ready.append(prespawned)

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]:
        from hutch.engine import container_select
        from hutch.engine.run_flags import detach_keys
        from hutch.runtime.relay import Detached

        attach = options.attach
        if attach:
            detach_keys(options.detach_keys)  # a bad flag fails before anything starts
        self._ctx.enter_session()
        named = not (options.all or options.filters)
        names = self._targets(names, options.all, options.latest, options.filters)
        if named and (missing := container_select.first_missing(self._ctx, names)):
            return missing
        reports = []
        for name in names:
            try:
                container = cs.get(self._ctx, name)
                if container.running:
                    # current podman's: attached, attach to it (exit 0 when it ends or
                    # is detached); else nothing to do and nothing printed
                    if attach:
                        self._attach_running(container, options)
                    reports.append(ActionReport(name, container.record.id, unchanged=True))
                    continue
                try:
                    code = self._start(
                        container,
                        attach=attach,
                        interactive=_start_stdin(container, options),
                        sig_proxy=options.sig_proxy,
                        detach_keys=options.detach_keys,
                        stdio=options.stdio,
                        hangup=options.hangup_fd,
                    )
                    if attach and container.config.options.remove:
                        # Attached, the monitor leaves the exit to us (as in run).
                        self._remove_quietly(container.record.id)
                except Detached:
                    code = 0
                except HutchError as exc:
                    if container.config.options.remove:  # podman's, as run's --rm
                        self._remove_quietly(container.record.id)
                    # with its id: found, and its start failed (the CLI's podman words
                    # name it; compose, kube and the API take the error as it is)
                    reports.append(
                        ActionReport(
                            name, container.record.id, error=str(exc), exit_code=exc.exit_code
                        )
                    )
                    continue
                reports.append(
                    ActionReport(
                        name, container.record.id, exit_code=code if code is not None else 0
                    )
                )
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _attach_running(self, container: cs.Container, options: StartOptions) -> None:
        from hutch.api.containers import AttachOptions
        from hutch.engine.lifecycle import LifecycleService

        attach = AttachOptions(
            container.record.id,
            no_stdin=not options.interactive,
            detach_keys=options.detach_keys,
            sig_proxy=options.sig_proxy,
            stdio=options.stdio,
            hangup_fd=options.hangup_fd,
        )
        LifecycleService(self._ctx).attach(attach)  # its exit code is not start's

    def _start(
        self,
        container: cs.Container,
        *,
        attach: bool,
        interactive: bool,
        proxy: SignalProxy | None = None,
        prespawned: spawn.Prespawned | None = None,
        sig_proxy: bool = True,
        detach_keys: str | None = None,
        stdio: tuple[int, int, int] | None = None,
        hangup: int | None = None,
        passed: tuple[int, str | None] = (0, None),
        just_created: bool = False,
    ) -> int | None:
        """Start the container; attached, relay until it exits (its exit code).

        ``passed``: run's descriptors for the command (``run_flags.passed_descriptors``).
        ``just_created``: run's start, in the command that wrote the container's files.

        Raises ``Detached`` when the user typed the detach keys (the flag, else
        the container's own ``--detach-keys``): the container runs on.
        """
        from hutch.engine import run_flags
        from hutch.runtime import spawn
        from hutch.runtime.signalproxy import SignalProxy

        if prespawned is None and self._ready:
            prespawned = self._ready.pop(0)
        if proxy is None and attach and sig_proxy:
            proxy = SignalProxy()
            own_proxy = proxy
        else:
            own_proxy = None
        keys = run_flags.detach_keys(
            detach_keys
            if detach_keys is not None
            else container.config.options.lifecycle.detach_keys,
            self._ctx.settings.detach_keys,
        )
        try:
            return self._start_with(
                container,
                attach,
                interactive,
                proxy,
                prespawned,
                keys,
                stdio,
                hangup,
                passed,
                just_created,
            )
        finally:
            if prespawned is not None:
                spawn.abandon(prespawned)  # after an early failure: let it go
            if own_proxy is not None:
                own_proxy.close()

    def _start_with(
        self,
        container: cs.Container,
        attach: bool,
        interactive: bool,
        proxy: SignalProxy | None,
        prespawned: spawn.Prespawned | None,
        keys: bytes,
        stdio: tuple[int, int, int] | None = None,
        hangup: int | None = None,
        passed: tuple[int, str | None] = (0, None),
        just_created: bool = False,
    ) -> int | None:
        from hutch.engine import (
            address_claim,
            etc_refresh,
            netquery,
            notify_relay,
            nsmodes,
            pod_member,
        )
        from hutch.runtime import spawn
        from hutch.runtime.ids import map_to_host
        from hutch.runtime.relay import window_size
        from hutch.util import sdnotify

        options = container.config.options
        if any(m.kind == "image" for m in container.config.mounts):
            from hutch.engine.image_volumes import refuse_removed  # loaded only for these

            refuse_removed(self._ctx, container.dirs.userdata, container.config.mounts)
        (container.dirs.userdata / st.STOP_MARKER).unlink(missing_ok=True)
        state = self._ctx.enter_session()
        socket_path = self._ctx.paths.attach_socket(container.record.id)
        socket_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # --log-driver passthrough: the container's streams are ours (or the API
        # client's), handed to its init; nothing of them goes through the monitor
        passthrough = options.log.passes_streams
        config = spawn.MonitorConfig(
            bundle=container.dirs.userdata,
            attach_socket=str(socket_path),
            gid5_mapped=map_to_host(state.gid_map, 5) is not None,
            restart=container.config.restart,
            cleanup=self._cleanup_argv(container.record.id, options.remove)
            if options.remove or pod_member.stops_pod(self._ctx, container.record)
            else (),
            refresh=etc_refresh.command(self._ctx, container.record.id),
            events=(
                engine_events.log_file(self._ctx.paths, self._ctx.settings),
                container.record.name,
                container.record.image_name,
                json.dumps(engine_events.container_attributes(container.record, container.config)),
                "rm" if options.remove else "",
            ),
            own_pidns=spawn.bundle_own_pidns(container.dirs.userdata),
            preserve_fds=passed[0],
            listen_fdnames=passed[1],
            health_events=self._ctx.settings.healthcheck_events,
            streams=(stdio or (0, 1, 2)) if passthrough else None,
        )
        terminal = options.tty
        window = window_size(0) if attach and terminal and stdio is None else None
        self._start_required(container)
        from hutch.engine import stopping

        stopping.reap_left_behind(self._ctx, container)  # a previous run's, its monitor killed
        if container.record.pod_id:
            self._ensure_pod_cgroup(container.record.pod_id)
            self._start_pod_infra(container)
        # a static address is claimed and the command started under its lock: a start
        # of the pod it was cloned from (or a clone) waits, then finds this one running
        with address_claim.starting(self._ctx, container):
            if netquery.start_needs_networks_at(container.dirs.userdata):
                from hutch.engine import networks as engine_networks

                net = netquery.network_of(container)
                engine_networks.before_start(self._ctx, container, net)
            nsmodes.before_start(self._ctx, container)
            # podman writes /etc/hosts and /etc/resolv.conf anew at each start (a pod's
            # at its infra's)
            etc_refresh.refresh(self._ctx, container, just_created)
            if any(m.kind == "volume" for m in container.config.mounts):
                from hutch.engine.volume_firstmount import check_mountable, first_mounts

                check_mountable(self._ctx, container)
                first_mounts(self._ctx, container)  # podman copies up at the first start
            # --sdnotify=container: the socket is there before the container's first word
            relay_socket = (
                notify_relay.bind(container.dirs.userdata)
                if options.sdnotify == "container"
                else None
            )
            try:
                started = spawn.start(config, attach=attach, window=window, prespawned=prespawned)
            except BaseException:
                if relay_socket is not None:
                    relay_socket.close()
                raise
        # the monitor logged "start" (before the container's "died" can be)
        # Attached, this process stays the service's main process; detached,
        # the monitor takes over (systemd accepts it when it is in the unit).
        mainpid = "" if attach else f"MAINPID={started.monitor_pid}\n"
        notifier: health_notify.Notifier | notify_relay.Relay | None = None
        state_file = st.state_path(container.dirs.userdata)
        if options.sdnotify == "conmon":
            sdnotify.notify(mainpid + "READY=1")
        elif options.sdnotify == "healthy":
            # (threading, loaded only for it)
            from hutch.engine import health_notify

            if not attach:
                if health_notify.wait_healthy(state_file):
                    sdnotify.notify(mainpid + "READY=1")
            else:
                notifier = health_notify.Notifier(state_file)
        elif relay_socket is not None and attach:
            notifier = notify_relay.Relay(relay_socket)
        elif relay_socket is not None:
            with relay_socket:
                if notify_relay.wanted():  # else no one to tell, nor to wait for
                    notify_relay.relay_until_ready(relay_socket, state_file, started.monitor_pid)
        if not attach:
            return None
        if proxy is not None:
            proxy.target(started.init_pid)
        try:
            code = _attach(
                started,
                # passthrough: the container reads our stdin itself; the relay only
                # waits for the exit (no output comes, and the terminal was refused)
                interactive=interactive and not passthrough,
                terminal=terminal and not passthrough,
                keys=keys,
                stdio=stdio,
                hangup=hangup,
            )
        except BaseException:
            # Detached, or interrupted (^C without --sig-proxy): leave the
            # container to its monitor rather than wait for its end.
            spawn.release(started)
            raise
        finally:
            if notifier is not None:
                notifier.close()
        spawn.finish(started)
        if code is None:
            code = cs.get(self._ctx, container.record.id).state.exit_code
        return code

    def _start_required(self, container: cs.Container) -> None:
        """``--requires``: those containers run first (each its own requirements first)."""
        for required_id in container.config.options.requires:
            required = cs.get(self._ctx, required_id)
            if not required.running:
                self._start(required, attach=False, interactive=False)

    def _ensure_pod_cgroup(self, pod_id: str) -> None:
        """The pod's own cgroup (pod-level limits), which the member's goes below."""
        from hutch.engine import pod_record

        pod = self._ctx.pods.get(pod_id)
        if pod is not None:
            from hutch.engine import pod_cgroup

            pod_cgroup.ensure(pod_record.decode(pod.config))

    def _start_pod_infra(self, container: cs.Container) -> None:
        """A member's pod: its infra runs (started first, as podman), its namespaces renewed."""
        from hutch.engine import pod_member

        pod = self._ctx.pods.get(container.record.pod_id)
        if pod is None or not pod.infra_id or pod.infra_id == container.record.id:
            return
        infra = cs.get(self._ctx, pod.infra_id)
        if not infra.running:
            self._start(infra, attach=False, interactive=False)
            infra = cs.get(self._ctx, pod.infra_id)
            if not infra.running:
                raise Conflict(f"the infra container of pod {pod.name} did not start")
        pod_member.before_start(self._ctx, container.record, pod.infra_id, infra.state.pid)

    def _cleanup_argv(self, container_id: str, remove: bool) -> tuple[str, ...]:
        # this command's global flags, as podman gives its cleanup its own (--module too)
        return (
            sys.executable,
            "-m",
            "hutch",
            *self._ctx.flags.argv(),
            "container",
            "cleanup",
            *(("--rm",) if remove else ()),  # as podman's conmon asks for an --rm one
            container_id,
        )

    def _prepare_rootfs(self, image: ImageRecord, dirs: ContainerDirs, driver: str) -> Rootfs:
        from hutch.runtime.spec import Rootfs

        for d in (dirs.upper, dirs.work, dirs.merged, dirs.userdata):
            d.mkdir(parents=True, exist_ok=True)
        # overlayfs shows "/" with the upper dir's mode: the image's, as podman's
        # (the topmost layer's "./" entry, else 0555; store/rootmode.py)
        root_mode = self._ctx.layers.image_root_mode(image.diff_ids)
        if driver == "vfs":
            from hutch.store.tarextract import extract_layer

            # No union filesystem: the container gets its own full copy, built
            # by applying each layer blob in order onto its rootfs.
            for _diff, blob, _media in self._ctx.images.layer_blobs(image.diff_ids):
                with open(self._ctx.layers.blob_path(blob), "rb") as f:
                    extract_layer(f, dirs.merged, whiteouts="apply", chown="ignore")
            os.chmod(dirs.merged, root_mode)
            return Rootfs(kind="bind", target=str(dirs.merged))
        os.chmod(dirs.upper, root_mode)
        from hutch.engine.image_volumes import overlay_lowers

        return Rootfs(
            kind=driver,
            target=str(dirs.merged),
            lowers=overlay_lowers(image),
            lower_base=str(self._ctx.paths.layers),
            upper=str(dirs.upper),
            work=str(dirs.work),
        )

    # -- stop / kill / restart ----------------------------------------------

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        from hutch.engine import stopping

        names = self._targets(names, options.all, options.latest, options.filters)

        def stop_all(containers: list[cs.Container]) -> dict[str, HutchError]:
            return stopping.stop_many(self._ctx, containers, options.timeout)

        def one(container: cs.Container) -> None:
            self._event(container.record, "stop")

        named = not (options.all or options.filters)
        # the config only when the stop signal or timeout is the container's own
        return self._each(names, options.ignore, one, named=named, before=stop_all, decode=False)

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]:
        from hutch.engine import stopping
        from hutch.engine.signal_parse import parse_signal
        from hutch.util import signames

        sig = parse_signal(options.signal, kill=True)
        names = self._targets(names, options.all, options.latest, (), keep=_is_running)

        def one(container: cs.Container) -> None:
            if not container.running:
                raise Conflict(
                    f"can only kill running containers. {container.record.id} "
                    f"is in state {container.state.status}: container state improper"
                )
            # Recorded first: the monitor logs "died" as soon as the signal lands.
            self._event(container.record, "kill", signal=signames.name(sig))
            stopping.send(container, sig)

        return self._each(names, options.ignore, one, named=not options.all)

    def restart(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]:
        from hutch.engine import restart_lock, stopping

        keep = _is_running if options.running else None
        names = self._targets(names, options.all, options.latest, options.filters, keep=keep)
        with contextlib.ExitStack() as locks:

            def stop_all(containers: list[cs.Container]) -> dict[str, HutchError]:
                # an --rm run's cleanup waits until the new run has started (restart_lock)
                for container in containers:
                    if container.config.options.remove:
                        locks.enter_context(restart_lock.held(container.dirs.userdata))
                return stopping.stop_many(self._ctx, containers, options.timeout)

            def one(container: cs.Container) -> None:
                # podman's order: "restart", then the new run's "init" and "start"
                self._event(container.record, "restart")
                self._start(cs.get(self._ctx, container.record.id), attach=False, interactive=False)

            named = not (options.all or options.filters)
            return self._each(names, options.ignore, one, named=named, before=stop_all)

    def _targets(
        self,
        names: Sequence[str],
        all_: bool,
        latest: bool,
        filters: Sequence[str],
        keep: container_select.Keep | None = None,
    ) -> list[str]:
        from hutch.engine import container_select

        return container_select.targets(
            self._ctx, names, all_=all_, latest=latest, filters=filters, keep=keep
        )

    def _event(
        self,
        record: ContainerRecord,
        action: str,
        config: container_record.ContainerConfig | None = None,
        **attributes: str,
    ) -> None:
        engine_events.container_event(self._ctx, record, action, config, **attributes)

    def _stop(self, container: cs.Container, timeout: int | None) -> None:
        from hutch.engine import stopping

        error = stopping.stop_many(self._ctx, [container], timeout).get(container.record.id)
        if error is not None:
            raise error

    # -- remove / cleanup ------------------------------------------------------

    def remove(self, names: Sequence[str], options: RemoveContainerOptions) -> list[ActionReport]:
        return self.remove_containers(names, options, infra=False)

    def remove_containers(
        self, names: Sequence[str], options: RemoveContainerOptions, *, infra: bool
    ) -> list[ActionReport]:
        """``rm``; ``infra``: a pod's infra may go too (``pod rm``, after its members)."""
        from hutch.engine import container_select, stopping

        self._ctx.enter_session()
        try:
            names = self._targets(names, options.all, options.latest, options.filters)
        except NoSuchObject as exc:  # --latest of no container: podman's exit code 1
            return [ActionReport("", error=str(exc), exit_code=1)]
        if options.depend:
            names = self._with_dependents(names)

        def stop_all(containers: list[cs.Container]) -> dict[str, HutchError]:
            # podman's refusal: a container whose namespaces others join goes last
            going = {c.record.id for c in containers}
            blocked: dict[str, HutchError] = {}
            for c in containers:
                if c.record.pod_id:  # a pod's members and infra: the pod's rules (``one``)
                    continue
                others = container_select.dependents(self._ctx, c.record.id)
                if any(d not in going for d in others):
                    blocked[c.record.id] = Conflict(
                        f"container {c.record.id} has dependent containers which must be "
                        f"removed before it: {', '.join(others)}: container already exists"
                    )
            # a container between two runs of its restart policy too: stopped, its
            # monitor sees the marker at once (else rm waited 10 s for that monitor)
            running = [c for c in containers if options.force and (c.running or c.state.restarting)]
            stopped = [c for c in running if c.record.id not in blocked]
            return {**blocked, **stopping.stop_many(self._ctx, stopped, options.timeout)}

        def one(container: cs.Container) -> None:
            if not infra and not options.all and container.record.pod_id:
                # rm -a takes the infras too, after their members (podman's order)
                _refuse_infra(self._ctx, container)
            container = cs.load(self._ctx, container.record, lenient=True, decode=False)
            if container.running:
                err = Conflict(
                    f"cannot remove container {container.record.id} as it is "
                    f"{container.state.status} - running or paused containers cannot be "
                    "removed without force: container state improper"
                )
                err.exit_code = 2
                raise err
            self._wait_monitor_gone(container)
            stopping.reap_left_behind(self._ctx, container)
            self._discard(container.record, container.dirs, volumes=options.volumes)
            # current podman's removal carries the last exit code (.ContainerExitCode)
            self._event(
                container.record,
                "remove",
                container.given,  # decoded only if the stop needed it
                exitCode=str(container.state.exit_code),
            )

        # podman rm: 1 when a container does not exist (and nothing else failed)
        named = not (options.all or options.filters)
        return self._each(
            names,
            options.ignore,
            one,
            named=named,
            missing_code=1,
            forced=options.force,  # podman: rm -f of a missing name is no error
            lenient=True,
            before=stop_all,
            decode=False,  # rm reads no config but a forced stop's settings
        )

    def _with_dependents(self, names: Sequence[str]) -> list[str]:
        """``rm --depend``: each container after those that join its namespaces."""
        from hutch.engine import container_select

        out: list[str] = []
        for name in names:
            try:
                record = cs.find(self._ctx, name)
            except HutchError:
                out.append(name)  # reported as missing by the removal itself
                continue
            for dependent in container_select.dependents(self._ctx, record.id):
                if dependent not in out:
                    out.append(dependent)
            out.append(record.id)  # podman prints the ids of what --depend removed
        return out

    def cleanup(self, names: Sequence[str], options: CleanupOptions) -> list[ActionReport]:
        """podman's ``container cleanup``, which a detached monitor runs too once its
        container exits for good (``--rm`` for an --rm container). The monitor has
        released the mounts and the network already: what is left is the pod's
        ``--exit-policy stop``, then ``--rm``'s removal and ``--rmi``'s image."""
        from hutch.engine import container_select

        self._ctx.enter_session()
        if options.exec_session is not None:
            return [self._cleanup_exec(names, options)]
        names = self._targets(names, options.all, options.latest, ())
        given = not options.all
        if given and (missing := container_select.first_missing(self._ctx, names)):
            return missing
        return [self._cleanup_one(name, options) for name in names]

    def _cleanup_exec(self, names: Sequence[str], options: CleanupOptions) -> ActionReport:
        """``--exec SESSION``: hutch's session record goes with its process (engine/
        exec.py), so a session it knows runs still and has nothing to clean up yet."""
        from hutch.runtime import exec_sessions

        if options.all:
            raise InvalidArgument("exec and all options conflict")
        if len(names) > 1:
            raise InvalidArgument("cannot use exec option when more than one container is given")
        name = self._targets(names, False, options.latest, ())[0]
        container = cs.get(self._ctx, name)
        live = {s.id for s in exec_sessions.live(container.dirs.userdata)}
        if options.exec_session not in live:
            raise NoSuchObject(
                f"container {container.record.id} has no exec session with ID "
                f"{options.exec_session}: no such exec session"
            )
        return ActionReport("", container.record.id)

    def _cleanup_one(self, name: str, options: CleanupOptions) -> ActionReport:
        try:
            container = cs.load(self._ctx, cs.find(self._ctx, name), lenient=True)
            cid = container.record.id
            if container.running:  # podman's words, with --rm and without
                raise Conflict(self._not_cleaned(cid, options.remove))
            self._after_member_exit(cid)
            if options.remove:
                self._remove_exited(container)
            if options.remove_image and not container.config.options.rootfs:
                from hutch.api.images import RemoveImageOptions
                from hutch.engine.images import ImageService

                images = ImageService(self._ctx).remove(
                    [container.record.image_name], RemoveImageOptions()
                )
                for report in images:
                    if report.error:
                        raise HutchError(report.error)
        except HutchError as exc:
            return ActionReport(name, error=str(exc), exit_code=exc.exit_code)
        return ActionReport(name, cid)

    @staticmethod
    def _not_cleaned(cid: str, remove: bool) -> str:
        if remove:
            return (
                f"failed to clean up and remove container {cid}: cannot remove container "
                f"{cid} as it is running - running or paused containers cannot be removed "
                "without force: container state improper"
            )
        return (
            f"failed to clean up container {cid}: container {cid} is running or paused, "
            "refusing to clean up: container state improper"
        )

    def _remove_exited(self, container: cs.Container) -> None:
        """Remove a container that exited, unless a restart holds it anew."""
        from hutch.engine import restart_lock

        cid = container.record.id
        with restart_lock.held(container.dirs.userdata):
            # again, after a restart that held the lock: it may run anew
            container = cs.load(self._ctx, cs.find(self._ctx, cid), lenient=True)
            if container.running:
                raise Conflict(self._not_cleaned(cid, remove=True))
            self._discard(container.record, container.dirs, volumes=True)
        # as podman records the removal of --rm, with the last exit code
        self._event(
            container.record, "remove", container.config, exitCode=str(container.state.exit_code)
        )

    def _after_member_exit(self, container_id: str) -> None:
        """``--exit-policy stop``: the last member of the pod to exit stops its infra."""
        from hutch.engine import pod_member

        try:
            record = cs.find(self._ctx, container_id)
        except NoSuchObject:
            return
        if not pod_member.stops_pod(self._ctx, record):
            return
        pod = self._ctx.pods.get(record.pod_id)
        assert pod is not None  # stops_pod found it
        others = [
            cs.load(self._ctx, r, lenient=True)
            for r in self._ctx.containers.of_pod(pod.id)
            if r.id not in (pod.infra_id, record.id)
        ]
        if any(c.running or c.state.status == "paused" for c in others):
            return
        with contextlib.suppress(HutchError, OSError):
            infra = cs.get(self._ctx, pod.infra_id)
            if infra.running:
                self._stop_through_monitor(infra)
                self._event(infra.record, "stop")

    def _stop_through_monitor(self, container: cs.Container) -> None:
        """``stop`` from a monitor's cleanup, whose pid namespace cannot see the init's
        host pid: the container's own monitor sends the signals."""
        from hutch.engine.signal_parse import parse_signal
        from hutch.runtime import attachproto as ap
        from hutch.runtime import control

        path = str(self._ctx.paths.attach_socket(container.record.id))
        (container.dirs.userdata / st.STOP_MARKER).touch()
        sig = parse_signal(container.config.stop_signal)
        control.request(path, ap.SIGNAL, timeout=10, payload=str(sig).encode())
        if not self._wait_exit(container, float(container.config.stop_timeout)):
            import signal as signals  # its enums: for a stop that timed out only

            control.request(path, ap.SIGNAL, timeout=10, payload=str(int(signals.SIGKILL)).encode())
            self._wait_exit(container, 30.0)

    def _wait_exit(self, container: cs.Container, timeout: float) -> bool:
        from hutch.engine import stopping

        deadline = time.monotonic() + timeout
        while cs.load(self._ctx, container.record).running:
            if time.monotonic() >= deadline:
                return False
            time.sleep(stopping.POLL)
        return True

    def _remove_quietly(self, container_id: str) -> None:
        try:
            record = cs.find(self._ctx, container_id)
        except NoSuchObject:
            return
        config = None
        try:
            # the config undecoded, as rm's: the event's labels come from the record
            # (config_peek); decoding it was run --rm's first decode, a walk of the run
            # options' type hints after the command had exited (issue 16)
            container = cs.load(self._ctx, record, lenient=True, decode=False)
            code, config = str(container.state.exit_code), container.given
        except HutchError:
            code = ""
        self._discard(record, self._ctx.containers.dirs(record.id), volumes=True)
        # as podman records the removal of --rm, with the last exit code
        self._event(record, "remove", config, **({"exitCode": code} if code else {}))

    def _wait_monitor_gone(self, container: cs.Container) -> None:
        from hutch.engine import stopping

        pid, start = container.state.monitor_pid, container.state.monitor_start
        if not stopping.wait_gone(pid, start, 10.0):
            import signal as signals  # its enums: for a monitor that would not go

            os.kill(pid, signals.SIGKILL)

    def _discard(
        self, record: ContainerRecord, dirs: ContainerDirs, *, volumes: bool = False
    ) -> None:
        from hutch.engine import netrun

        container_id = record.id
        anonymous: list[str] = []
        # the volume code and store only for a container that mounts a volume: one row
        # of container_volumes says so, where store/volumes.py and the volume code cost
        # run --rm's removal 2 M instructions for none (issue 16)
        if volumes and self._ctx.containers.mounts_volumes(container_id):
            # Anonymous volumes go with the container (rm -v, --rm); named ones never.
            from hutch.engine import container_mounts

            anonymous = container_mounts.release_anonymous(self._ctx, container_id)
        # The socket before the row: `system check` reads the rows, then the
        # sockets, and must never meet a socket whose row is already gone.
        self._ctx.paths.attach_socket(container_id).unlink(missing_ok=True)
        attached = self._ctx.containers.delete(container_id)
        if record.pod_id:
            # rm -a: its pod has none now. An infra is always in its pod (create_infra):
            # a container in none is no pod's infra, and store/pods.py stays unloaded.
            self._ctx.pods.forget_infra(container_id)
        # the network code only when names are served and the container had addresses
        # to take from them (a --network none or pasta container has none: issue 16)
        if attached and netrun.serves_names(self._ctx):
            from hutch.engine import networks as engine_networks

            engine_networks.after_remove(self._ctx)  # its addresses went with it
        if dirs.root.exists():
            _unmount_here(dirs)
            # Out of containers/ in one rename, then deleted: `system check`
            # never meets a half-deleted directory without its row, and a
            # kill mid-delete leaves a temp dir that the next command removes.
            # (Not from a monitor's cleanup, pid 1 of its namespace: a temp dir
            # named by pid 1 would never be seen as stale.)
            if os.getpid() == 1:
                remove_tree(dirs.root)
            else:
                doomed = self._ctx.layers.new_tmp()
                with contextlib.suppress(OSError):
                    os.replace(dirs.root, doomed / "container")
                remove_tree(doomed)
                if dirs.root.exists():
                    remove_tree(dirs.root)
        if anonymous:
            container_mounts.remove_unused(self._ctx, anonymous)

    # -- wait ------------------------------------------------------------------

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]:
        from hutch.engine import container_select, waiting

        wanted = waiting.conditions(options.conditions)
        pause = waiting.interval(options.interval)
        names = self._targets(names, False, options.latest, ())
        if not options.ignore and (missing := container_select.first_missing(self._ctx, names)):
            return missing
        reports = []
        for name in names:
            try:
                container = cs.get(self._ctx, name)
            except NoSuchObject as exc:
                if options.ignore:  # podman: -1 for a container that is not there
                    reports.append(ActionReport(name, exit_code=-1))
                else:
                    reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
                continue
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
                continue
            code = waiting.until(self._ctx, container, wanted, pause)
            reports.append(ActionReport(name, container.record.id, exit_code=code))
        return reports

    # -- helpers -----------------------------------------------------------------

    def _each(
        self,
        names: Sequence[str],
        ignore: bool,
        action: Callable[[cs.Container], None],
        named: bool = False,
        missing_code: int | None = None,
        forced: bool = False,
        lenient: bool = False,
        before: Callable[[list[cs.Container]], dict[str, HutchError]] | None = None,
        decode: bool = True,
    ) -> list[ActionReport]:
        """``action`` on each container, one report per name in order.

        ``before`` works on all the containers found at once (the stop of
        stop, restart and rm -f) and answers the errors by container id.
        ``named``: the user's names, all resolved before any action as podman does
        (container_select.resolved): one missing, none acted on. ``decode=False``:
        each container's config is decoded when first read (``cs.load``).
        """
        from hutch.engine import container_select

        found = container_select.resolved(
            names,
            lambda name: cs.load(
                self._ctx, cs.find(self._ctx, name), lenient=lenient, decode=decode
            ),
            ignore=ignore,
            named=named,
            missing_code=missing_code,
            forced=forced,
        )
        containers = [item for _, item in found if isinstance(item, cs.Container)]
        failed = before(containers) if before is not None else {}
        reports = []
        for name, item in found:
            if isinstance(item, ActionReport):
                reports.append(item)
                continue
            try:
                error = failed.get(item.record.id)
                if error is not None:
                    raise error
                action(item)
                reports.append(ActionReport(name, item.record.id))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports


def _refuse_infra(ctx: EngineContext, container: cs.Container) -> None:
    pod = ctx.pods.get(container.record.pod_id)
    if pod is not None and pod.infra_id == container.record.id:
        raise Conflict(
            f"container {container.record.id} is the infra container of pod {pod.id} "
            "and cannot be removed without removing the pod"
        )


def _start_stdin(container: cs.Container, options: StartOptions) -> bool:
    """Whether an attached ``start`` relays stdin: podman 4.3.1 does when the container
    was created with -i, with ``start -i`` or without (its ``start -a`` would otherwise
    leave the container reading a stdin no one writes to); an API client's own pipes
    (``stdio``) say it with ``interactive`` alone."""
    if options.stdio is None and options.attach and container.config.options.interactive:
        return True
    return options.interactive


@contextlib.contextmanager
def _streams(stdout: bool, stderr: bool) -> Iterator[tuple[int, int, int] | None]:
    """The fds an attached run relays to: /dev/null for a stream -a leaves out (it
    still goes to the log); None (the caller's own, the terminal's size) for all."""
    if stdout and stderr:
        yield None
        return
    null = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
    try:
        yield 0, 1 if stdout else null, 2 if stderr else null
    finally:
        os.close(null)


def _required_ids(ctx: EngineContext, names: Sequence[str]) -> tuple[str, ...]:
    """The full ids of ``--requires`` (each value may be a comma list), podman's refusal."""
    ids: list[str] = []
    for name in (n for item in names for n in item.split(",") if n):
        try:
            record = cs.find(ctx, name)
        except HutchError as exc:
            raise InvalidArgument(
                f'"{name}" is not a valid container, cannot be used as a dependency: {exc}'
            ) from exc
        if record.id not in ids:
            ids.append(record.id)
    return tuple(ids)


def _is_running(container: cs.Container) -> bool:
    return container.running


def _write_cidfile(path: str, container_id: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as exc:
        from hutch.engine.create_plan import cidfile_taken

        raise cidfile_taken(path) from exc
    with os.fdopen(fd, "w") as f:
        f.write(container_id)


def _attach(
    started: spawn.Started,
    *,
    interactive: bool,
    terminal: bool,
    keys: bytes,
    stdio: tuple[int, int, int] | None = None,
    hangup: int | None = None,
) -> int | None:
    """Relay output (and input) until the container exits (signals: SignalProxy)."""
    from hutch.runtime.relay import relay

    assert started.output is not None
    return relay(
        started.output,
        stdin=interactive,
        terminal=terminal,
        detach_keys=keys,
        stdio=stdio or (0, 1, 2),
        hangup=hangup,
    )


def recorded(
    create: Callable[[str], ContainerRecord], name: str, *, chosen: bool
) -> ContainerRecord:
    """The new container's record under ``name``; a name hutch ``chosen`` (the user gave
    none) that another container or pod took meanwhile is replaced by a fresh one, as
    podman picks again: random names are 16 x 16 x 1000, so a store with many
    containers meets one now and then (seen once in twenty parallel runs)."""
    from hutch.util.ids import random_name

    for _ in range(20):
        try:
            return create(name)
        except Conflict:
            if not chosen:
                raise
            name = random_name()
    return create(name)


def _unmount_here(dirs: ContainerDirs) -> None:
    """End a ``hutch mount`` of the container in this mount namespace (``rm`` inside
    the ``hutch unshare`` shell that mounted it), as podman's rm unmounts: the tree
    could not be deleted under the mount. Elsewhere there is none to end
    (EINVAL), or none of ours may be ended (EPERM: the host's namespace)."""
    from hutch.linux import syscalls as sc

    with contextlib.suppress(OSError):
        sc.umount2(str(dirs.merged), sc.MNT_DETACH)

"""Read-only views of containers: ps, inspect, logs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from hutch.api.container_config import DEFAULT_UMASK
from hutch.api.container_inspect import (
    ContainerInspect,
    InspectConfig,
    InspectHealthcheck,
    InspectHostConfig,
    InspectLimits,
    InspectLogConfig,
    InspectOptions,
    InspectRestartPolicy,
    InspectSecret,
    InspectStartupHealthcheck,
    InspectUlimit,
)
from hutch.api.container_logs import LogLine, LogsOptions
from hutch.api.errors import HutchError, InvalidArgument, NoLogKept
from hutch.engine import container_state as cs
from hutch.engine import logconfig, rootfs_dir
from hutch.engine.container_filters import tree_size
from hutch.engine.container_list import ContainerList, cmd_part, entrypoint_of
from hutch.engine.container_record import ContainerConfig
from hutch.engine.container_state_query import StateInspection, iso, state_report
from hutch.engine.container_usage import PortQuery
from hutch.engine.context import EngineContext
from hutch.runtime import exec_sessions, logfile
from hutch.runtime import state as st
from hutch.util import signames
from hutch.util.durations import parse_input_time
from hutch.util.humansize import human_size

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import BinaryIO

    from hutch.runtime.spec import Spec
    from hutch.runtime.spec_security import Ulimit


def _ulimits(values: tuple[str, ...]) -> tuple[InspectUlimit, ...]:
    """podman's HostConfig.Ulimits: the --ulimit items as RLIMIT_ names (-1 unlimited)."""
    from hutch.runtime import ulimits

    try:
        parsed = ulimits.parse(values)
    except HutchError:  # a record of an older hutch: show nothing rather than fail
        return ()
    return tuple(InspectUlimit(f"RLIMIT_{name.upper()}", soft, hard) for name, soft, hard in parsed)


def _config_env(
    container: cs.Container, spec: Spec | None, status: str, lower: Sequence[str]
) -> tuple[str, ...]:
    """podman's ``.Config.Env`` (engine/inspect_env.py): HOME and HOSTNAME once the
    container has started. The user's home is looked up in the container's
    /etc/passwd as its last start read it, as podman's start does in the
    container's root: the container's own copy where there is one (an edit of its
    own, which podman 4.3.1 shows after the next start), else the image's layers,
    top first; a container without layers (vfs, --rootfs) reads its own tree. The
    entries hutch appends at start for a user the image lacks (--user UID,
    --passwd-entry) do not count, as they do not in podman 4.3.1's inspect (nor
    keep-id's, as before: not compared). A running container's mounted root is in
    hutch's session, out of reach."""
    from hutch.engine.inspect_env import config_env, home_in
    from hutch.runtime.passwd import entries

    config, dirs = container.config, container.dirs
    if spec is None:
        return tuple(config.env)

    def home() -> str | None:
        # what a start appends to a file without them (keep-id's entry too)
        added = {*entries(spec, [], [])[0], spec.userns.passwd_entry}
        roots = (os.fspath(dirs.upper), os.fspath(dirs.merged), *lower)
        return home_in(roots, config.user, added)

    return config_env(config.env, spec.process.own_env, started=status != st.CREATED, home=home)


def _spec_ulimits(items: Sequence[Ulimit]) -> tuple[InspectUlimit, ...]:
    """What the container's init sets: the --ulimit items and podman's defaults for
    RLIMIT_NOFILE and RLIMIT_NPROC (engine/security.py), as podman reads its spec."""
    return tuple(InspectUlimit(f"RLIMIT_{u.name.upper()}", u.soft, u.hard) for u in items)


class ContainerQueries(ContainerList, StateInspection, PortQuery):
    """The query verbs: ps's (ls, listing: engine/container_list.py), inspect (and
    inspect_state: engine/container_state_query.py), port (engine/container_usage.py), logs."""

    def inspect(
        self, names: Sequence[str], options: InspectOptions | None = None
    ) -> list[ContainerInspect]:
        options = options or InspectOptions()
        if options.size:
            self._ctx.enter_session()  # upper dirs hold files of subordinate ids
        return [self._inspect(cs.get(self._ctx, n), options) for n in names]

    def _inspect(self, container: cs.Container, options: InspectOptions) -> ContainerInspect:
        """With what the image's record adds: its digest and its layers' dirs."""
        size, given = options.size, options.as_given
        image = self._ctx.images.get(container.record.image_id)
        if image is None:
            return self._with_pod(container, inspect_report(container, as_given=given))
        lower = [os.fspath(self._ctx.layers.layer_dir(d)) for d in reversed(image.diff_ids)]
        report = self._with_pod(
            container,
            inspect_report(container, image_digest=image.digest, lower=lower, as_given=given),
        )
        if not size:
            return report
        # as podman: file sizes (symlinks by their own length), hard links once
        rw = tree_size(os.fspath(container.dirs.upper))
        return replace(report, size_rw=rw, size_root_fs=rw + sum(tree_size(d) for d in lower))

    def _with_pod(self, container: cs.Container, report: ContainerInspect) -> ContainerInspect:
        """podman's pod fields: the pod's id, whether this is its infra, and the infra
        as the one dependency of a member (started before it)."""
        pod_id = container.record.pod_id
        pod = self._ctx.pods.get(pod_id) if pod_id else None
        requires = container.config.options.requires  # --requires
        if pod is None:
            return replace(report, dependencies=requires) if requires else report
        infra = pod.infra_id == container.record.id
        needs = (pod.infra_id,) if pod.infra_id and not infra else ()
        return replace(report, pod=pod.id, is_infra=infra, dependencies=needs + requires)

    def logs(self, options: LogsOptions) -> Iterator[LogLine]:
        window = (_time("--since", options.since), _time("--until", options.until))
        containers = [cs.get(self._ctx, n) for n in options.names]
        if len(containers) < 2:
            return self._logs(containers, options, window)
        # Several: merged by time, or followed side by side (podman follows them
        # all at once), each line saying whose it is.
        from hutch.engine.pod_logs import merged

        members = [(c.record.id, c.record.name) for c in containers]
        place = {cid: index for index, (cid, _) in reversed(list(enumerate(members)))}
        return (
            replace(
                e.line,
                container_id=e.container_id,
                container_name=e.container_name,
                container_index=place[e.container_id],
            )
            for e in merged(lambda: own_logs_reader(self._ctx), members, options)
        )

    def _logs(
        self,
        containers: list[cs.Container],
        options: LogsOptions,
        window: tuple[float | None, float | None],
    ) -> Iterator[LogLine]:
        for container in containers:
            yield from self._logs_of(container, options, window)

    def _logs_of(
        self,
        container: cs.Container,
        options: LogsOptions,
        window: tuple[float | None, float | None],
    ) -> Iterator[LogLine]:
        log = logconfig.log_spec_of(container.config.options.log, container.dirs.userdata)
        if log.driver not in logfile.FILE_DRIVERS:  # none, passthrough: podman's words
            raise NoLogKept(logconfig.without_log_message(log.driver, "read logs"))

        def parsed(raws: Iterable[bytes]) -> Iterator[LogLine]:
            for raw in raws:
                line = parse_log_line(raw, log.driver)
                if line is not None and _in_window(line, window):
                    yield line

        older = logfile.kept_files(log.path, log.max_files)[:-1]
        try:
            f = open(log.path, "rb")  # noqa: SIM115 - closed in finally
        except FileNotFoundError:
            f = None
        try:
            raws = [raw for name in older for raw in _read_lines(name)]
            if f is not None:
                raws += f.read().splitlines()
            selected = list(parsed(raws))
            if options.tail is not None:
                selected = selected[-options.tail :] if options.tail > 0 else []
            yield from selected
            if not options.follow or f is None:
                return
            pending = b""
            ended = False  # the container seen stopped: read to the end of the files
            while True:
                chunk = f.read()
                if chunk:
                    pending += chunk
                    *complete, pending = pending.split(b"\n")
                    yield from parsed(complete)
                    continue
                if _rotated(f, log.path):
                    # The monitor started a new file (maybe several): finish
                    # ours, read those rotated after it, then the live one.
                    pending += f.read()
                    yield from parsed(pending.split(b"\n"))
                    pending = b""
                    # The live file first: what rotates after this moment is
                    # read through it, what rotated before, by name.
                    live = open(log.path, "rb")  # noqa: SIM115 - closed in finally
                    between = _rotated_between(f, live, log.path, log.max_files)
                    f.close()
                    f = live
                    for name in between:
                        yield from parsed(_read_lines(name))
                    continue
                if ended:
                    yield from parsed(pending.split(b"\n"))
                    return
                if not cs.load(self._ctx, container.record).running:
                    # Once more round: the monitor may have written after our check,
                    # and rotated the file (what it wrote last is in a newer one)
                    ended = True
                    continue
                if options.cancelled is not None and options.cancelled():
                    return
                time.sleep(0.05)
        finally:
            if f is not None:
                f.close()


def _read_lines(path: str) -> list[bytes]:
    try:
        with open(path, "rb") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def _rotated(f: BinaryIO, path: str) -> bool:
    """Whether ``path`` now names another file than the one ``f`` reads."""
    try:
        return os.stat(path).st_ino != os.fstat(f.fileno()).st_ino
    except FileNotFoundError:
        return False


def _rotated_between(old: BinaryIO, live: BinaryIO, path: str, max_files: int) -> list[str]:
    """The rotated files newer than ``old`` and older than ``live``, oldest first.

    When ``old`` is no longer among them it was rotated away: every file up
    to ``live`` is newer. ``live`` may itself have been rotated meanwhile;
    the files from it on are read through its handle, not by name.
    """
    ours, newest = os.fstat(old.fileno()).st_ino, os.fstat(live.fileno()).st_ino
    found: list[tuple[str, int]] = []
    for name in logfile.kept_files(path, max_files)[:-1]:
        try:
            found.append((name, os.stat(name).st_ino))
        except FileNotFoundError:
            continue
    inodes = [ino for _, ino in found]
    start = inodes.index(ours) + 1 if ours in inodes else 0
    end = inodes.index(newest) if newest in inodes else len(found)
    return [name for name, _ in found[start:end]]


def parse_log_line(raw: bytes, driver: str = logfile.K8S_FILE) -> LogLine | None:
    """One record of a log file (k8s-file or json-file) as a LogLine."""
    record = logfile.parse_line(driver, raw)
    if record is None:
        return None
    stamp, stream, text, partial = record
    return LogLine(stamp, stream, text, partial)


def log_time(line: LogLine) -> float:
    stamp = line.timestamp.rstrip("Z")
    main, _, frac = stamp.partition(".")
    base = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return base + (float(f"0.{frac}") if frac else 0.0)


def _time(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_input_time(text, since=flag == "--since")
    except ValueError:  # podman's words for logs' --since and --until
        raise InvalidArgument(f'parsing {flag} "{text}": unable to interpret time value') from None


def _in_window(line: LogLine, window: tuple[float | None, float | None]) -> bool:
    since, until = window
    if since is None and until is None:
        return True
    ts = log_time(line)
    if since is not None and ts < since:
        return False
    return not (until is not None and ts > until)


def _limits(container: cs.Container, spec: Spec | None) -> InspectLimits:
    """Memory, NanoCpus, PidsLimit, ... (engine/resource_inspect.py)."""
    from hutch.engine.resource_inspect import inspect_limits

    resources = spec.resources if spec is not None else None
    return inspect_limits(resources, container.config.options.resources)


def _healthcheck(config: ContainerConfig) -> InspectHealthcheck | None:
    """podman's ``.Config.Healthcheck``: the Test as recorded (["CMD-SHELL", "..."] of a
    plain --health-cmd, ["NONE"] of ``none`` and of --no-healthcheck, which has no
    durations), with the durations the monitor runs it at."""
    from hutch.engine.specbuild_lifecycle import health_check, health_test, health_timing

    flags = config.options.lifecycle.health
    image = config.image_config.healthcheck
    try:
        test = health_test(flags, image)
        check = health_check(flags, image) if test is not None else None
        timing = health_timing(flags, image) if test is not None and not flags.disabled else None
    except HutchError:
        return None  # create refused such flags: this cannot be, and inspect never fails
    if test is None:
        return None
    return InspectHealthcheck(
        test=test,
        interval=int(timing.interval * 1e9) if timing else 0,
        timeout=int(timing.timeout * 1e9) if timing else 0,
        start_period=int(timing.start_period * 1e9) if timing else 0,
        retries=timing.retries if timing else 0,
        probe=check.probe if check is not None else "",
    )


def _startup_healthcheck(config: ContainerConfig) -> InspectStartupHealthcheck | None:
    """--health-startup-*, current podman's ``.Config.StartupHealthCheck``."""
    from hutch.engine.specbuild_lifecycle import health_check, startup_test

    flags = config.options.lifecycle.health
    try:
        check = health_check(flags, config.image_config.healthcheck)
        test = startup_test(flags)
    except HutchError:
        return None
    if check is None or check.startup is None or test is None:
        return None
    startup = check.startup
    return InspectStartupHealthcheck(
        test=test,
        interval=int(startup.interval * 1e9),
        timeout=int(startup.timeout * 1e9),
        retries=startup.retries,
        successes=startup.success,
    )


def inspect_report(
    container: cs.Container,
    *,
    image_digest: str = "",
    lower: Sequence[str] = (),
    as_given: bool = False,
) -> ContainerInspect:
    """The Docker/podman shape users script against (``.State.Status`` ...);
    ``as_given``: InspectOptions'."""
    # inspect's own parts, not ps's (the volume and network code is a third of ps's start)
    from hutch.engine import inspect_binds, netquery
    from hutch.engine import inspect_extras as extras
    from hutch.runtime.spec_network import NetworkSpec

    record, state, config = container.record, container.state, container.config
    options = config.options
    command = tuple(config.command)
    status = cs.status_of(container)  # "initialized" after init, as podman's
    log = logconfig.log_spec_of(options.log, container.dirs.userdata)
    try:
        spec: Spec | None = cs.bundle_spec(container)
    except (OSError, ValueError, KeyError):
        spec = None  # no bundle (a container being removed): the flags alone
    # its network, read with the spec once (netquery.network_of's default without one)
    net = spec.network if spec is not None else NetworkSpec()
    effective, bounding = extras.capabilities(spec, config.user)
    # without a bundle to read (or asked for as_given), the flags' names as given
    cap_add, cap_drop = (
        extras.capability_changes(bounding, options)
        if spec is not None and not as_given
        else (options.security.cap_add, options.security.cap_drop)
    )
    entrypoint = entrypoint_of(config)
    return ContainerInspect(
        id=record.id,
        created=iso(record.created),
        path=command[0] if command else "",
        args=command[1:],
        state=state_report(container),
        image=record.image_id,
        image_digest=image_digest,
        image_name=record.image_name,
        rootfs=rootfs_dir.shown(options),
        resolv_conf_path=os.fspath(container.dirs.userdata / "resolv.conf"),
        hostname_path=os.fspath(container.dirs.userdata / "hostname"),
        hosts_path=os.fspath(container.dirs.userdata / "hosts"),
        log_path=log.path,
        static_dir=os.fspath(container.dirs.userdata),
        # podman names it once its runtime was given it (the first start), not at create
        oci_config_path=(
            os.fspath(container.dirs.userdata / "config.json")
            if spec is not None and status != st.CREATED
            else ""
        ),
        conmon_pid_file=options.conmon_pidfile or os.fspath(container.dirs.conmon_pidfile),
        pid_file=options.pidfile or os.fspath(container.dirs.pidfile),
        name=record.name,
        restart_count=state.restart_count,
        driver=config.driver,
        mount_label="",
        process_label="",
        effective_caps=effective,
        bounding_caps=bounding,
        exec_ids=tuple(s.id for s in exec_sessions.live(container.dirs.userdata)),
        graph_driver=extras.graph_driver(container, lower),
        mounts=inspect_binds.with_modes(
            inspect_binds.inspect_mounts(config.mounts), options.volumes
        ),
        config=InspectConfig(
            hostname=config.hostname,
            domainname=options.domainname or "",
            user=config.user,
            env=_config_env(container, spec, st.CREATED if as_given else status, lower),
            cmd=cmd_part(command, entrypoint),
            image=record.image_name,
            working_dir=config.workdir,
            entrypoint=entrypoint,
            labels=dict(config.labels_with_image) or None,  # podman's nil map: null
            stop_signal=signames.docker_name(config.stop_signal),
            stop_timeout=config.stop_timeout,
            timeout=options.lifecycle.timeout,
            create_command=options.create_command,
            tty=options.tty,
            open_stdin=options.interactive,
            healthcheck=_healthcheck(config),
            healthcheck_on_failure_action=options.lifecycle.health.on_failure,
            startup_healthcheck=_startup_healthcheck(config),
            volumes={v: {} for v in config.image_config.volumes} or None,
            on_build=config.image_config.on_build or None,
            annotations=extras.podman_annotations(options),
            sd_notify_mode=options.sdnotify,
            umask=options.umask or DEFAULT_UMASK,
            secrets=_secrets(config),
        ),
        host_config=InspectHostConfig(
            restart_policy=InspectRestartPolicy(
                name=config.restart_name,
                maximum_retry_count=config.restart.max_retries or 0,
            ),
            auto_remove=options.remove,
            network_mode=netquery.network_mode(container, net),
            log_config=InspectLogConfig(
                type=log.driver,
                # podman's: a passthrough container has no log file
                path="" if logconfig.passes_streams(log.driver) else log.path,
                tag=log.tag,
                size=human_size(log.max_size) if log.max_size else "0B",
                config=None,
            ),
            limits=_limits(container, spec),
            ulimits=(
                _spec_ulimits(spec.security.ulimits)
                if spec is not None and spec.security.configured and not as_given
                else _ulimits(options.security.ulimit)
            ),
            cap_add=cap_add,
            cap_drop=cap_drop,
            privileged=bool(options.security.privileged),
            readonly_rootfs=bool(options.security.read_only),
            security_opt=options.security.security_opt,
            extras=extras.host_extras(options, container, spec),
        ),
        network_settings=netquery.network_settings(container, net),
    )


def _secrets(config: ContainerConfig) -> tuple[InspectSecret, ...] | None:
    """podman's ``.Config.Secrets``: the mounted ones (env secrets are not listed)."""
    from hutch.engine.secret_refs import parse_secrets

    try:
        refs = parse_secrets(config.options.secrets)
    except InvalidArgument:
        return None
    out = tuple(
        InspectSecret(ref.source, secret_id, ref.uid, ref.gid, ref.mode)
        for ref, secret_id in zip(refs, config.secret_ids, strict=False)
        if ref.kind == "mount"
    )
    return out or None


def own_logs_reader(ctx: EngineContext) -> Callable[[LogsOptions], Iterator[LogLine]]:
    """``logs`` over a context of its own (for a thread of its own: pod_logs.py),
    whose database connection is closed when the read ends, in the thread that
    read (the API service would otherwise keep one open per read until the
    garbage collector came)."""

    def read(options: LogsOptions) -> Iterator[LogLine]:
        own = EngineContext(ctx.paths, ctx.settings, flags=ctx.flags)
        try:
            yield from ContainerQueries(own).logs(options)
        finally:
            own.close()

    return read

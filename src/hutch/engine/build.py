"""``hutch build`` on the engine side: the context, the Containerfile, the host for the builder.

The builder (``hutch.build.builder``) cannot open the database or mount
anything itself; ``LocalBuildHost`` gives it those capabilities. Mounts made
for COPY/ADD happen in this process, so it moves into a mount namespace of
its own (inside the session user namespace) the first time it mounts.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from hutch.api.build import (
    PULL_POLICIES,
    BuildNamespaces,
    BuildOptions,
    BuildReport,
    BuildUserns,
    log_path,
    parse_output,
)
from hutch.api.errors import HostNotReady, InvalidArgument, NoSuchObject
from hutch.api.resource_options import ResourceOptions
from hutch.build.builder import Builder, environ_timestamp
from hutch.build.contexts import NamedContext, parse_build_context
from hutch.build.ignore import IgnoreMatcher, find_ignore_file
from hutch.build.instructions import Containerfile
from hutch.build.output import check_output
from hutch.build.stages import with_first_base
from hutch.build.stepstate import BuildRequest, Progress, RunSettings
from hutch.config.settings import Settings
from hutch.engine.build_source import prepare_context
from hutch.engine.context import EngineContext
from hutch.engine.environment import assign
from hutch.engine.resolve import find_image
from hutch.linux import procfs
from hutch.oci.image import ImageConfig
from hutch.oci.platform import Platform, host_platform, wanted_platform
from hutch.store import sqlite as sqlite3
from hutch.store.images import ImageRecord
from hutch.store.layers import LayerInfo, LayerStore, remove_tree
from hutch.util import testpoint

TYPE_CHECKING = False  # typing costs a cached build an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.images import RegistryAccess
    from hutch.cgroups.limits import ResourceSpec
    from hutch.runtime.spec import Rootfs

_DEFAULT_FILES = ("Containerfile", "Dockerfile")


class LocalBuildHost:
    """Implements ``hutch.build.host.BuildHost`` over the engine context."""

    def __init__(
        self,
        ctx: EngineContext,
        quiet: bool,
        access: RegistryAccess | None = None,  # None: the defaults (no flag given)
        cancelled: Callable[[], bool] | None = None,  # the build's: its FROM pulls stop too
        retry: tuple[int | None, str | None] = (None, None),  # --retry, --retry-delay
    ) -> None:
        self._ctx = ctx
        self._quiet = quiet
        self._access = access
        self._cancelled = cancelled
        self._retry = retry
        self._own_mount_ns = False

    @property
    def conn(self) -> sqlite3.Connection:
        return self._ctx.conn

    @property
    def layers(self) -> LayerStore:
        return self._ctx.layers

    @property
    def layers_dir(self) -> Path:
        return self._ctx.paths.layers

    @property
    def cache_dir(self) -> Path:
        return self._ctx.paths.storage / "build-cache"

    @property
    def driver(self) -> str:
        name = self._ctx.driver.name
        if name == "vfs":
            from hutch.api.errors import HostNotReady

            raise HostNotReady("hutch build needs the overlay or fuse-overlayfs storage driver")
        return name

    @property
    def gid5_mapped(self) -> bool:
        from hutch.runtime.ids import map_to_host

        return map_to_host(self._ctx.enter_session().gid_map, 5) is not None

    @property
    def capabilities(self) -> tuple[str, ...]:
        from hutch.linux.caps import DEFAULT_CAPABILITIES

        return DEFAULT_CAPABILITIES

    def find_image(self, name: str, pull: str) -> ImageRecord:
        """The image ``name``, held by this build's lease until the build ends.

        Found and leased are two steps: an rmi that ran between them makes
        the lease fail, and the image is looked up (or pulled) once more."""
        for attempt in (1, 2):
            record = self._find_unleased(name, pull)
            try:
                self._hold(record.id)
            except NoSuchObject:
                if attempt == 2:
                    raise
                continue
            testpoint.pause("build-after-base")
            return record
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_unleased(self, name: str, pull: str) -> ImageRecord:
        if pull in ("missing", "never"):
            try:
                return find_image(self._ctx.images, name)
            except NoSuchObject:
                if pull == "never":
                    raise
        return self._pull(name, pull)

    def _hold(self, image_id: str) -> None:
        pid = os.getpid()
        self._ctx.images.lease(image_id, pid, procfs.start_time(pid))

    def release(self) -> None:
        """Drop this build's leases (a killed build's lapse with its process)."""
        pid = os.getpid()
        self._ctx.images.release(pid, procfs.start_time(pid))

    def _pull(self, name: str, policy: str) -> ImageRecord:
        try:
            from hutch.api.images import PullOptions
            from hutch.engine.distribution import Distribution
        except ImportError:
            raise NoSuchObject(
                f"{name}: image not known locally (pulling is not available in this version)"
            ) from None
        report = Distribution(self._ctx).pull(
            PullOptions(
                reference=name,
                quiet=self._quiet,
                policy=policy,
                access=self._registry(),
                cancelled=self._cancelled,
                retry=self._retry[0],
                retry_delay=self._retry[1],
            )
        )
        record = self._ctx.images.get(report.ids[0]) if report.ids else None
        if record is None:
            raise NoSuchObject(f"{name}: image not known")
        return record

    def _registry(self) -> RegistryAccess:
        from hutch.api.images import RegistryAccess  # for a pull or push only

        return self._access or RegistryAccess()

    def get_image(self, image_id: str) -> ImageRecord | None:
        return self._ctx.images.get(image_id)

    def pull_cache(self, reference: str) -> ImageRecord | None:
        from hutch.api.images import PullOptions
        from hutch.engine.distribution import Distribution
        from hutch.registry.errors import RegistryError

        try:
            report = Distribution(self._ctx).pull(
                PullOptions(
                    reference=reference,
                    quiet=True,
                    access=self._registry(),
                    cancelled=self._cancelled,
                    retry=0,  # a miss is the usual answer: no retries for it
                )
            )
        except NoSuchObject:
            return None
        except RegistryError as exc:  # buildah's too: the step runs instead
            print(f"WARN: pulling cache {reference}: {exc}", file=sys.stderr)
            return None
        record = self._ctx.images.get(report.ids[0]) if report.ids else None
        if record is None:
            return None
        # a step image stays unnamed, as one built here is
        self._ctx.images.untag(reference)
        self._hold(record.id)
        return record

    def push_cache(self, image_id: str, reference: str) -> None:
        from hutch.api.images import PushOptions
        from hutch.engine.distribution import Distribution

        Distribution(self._ctx).push(
            PushOptions(
                source=image_id,
                destination=reference,
                quiet=True,
                access=self._registry(),
                cancelled=self._cancelled,
                retry=self._retry[0],
                retry_delay=self._retry[1],
            )
        )

    def layer_infos(self, diff_ids: Sequence[str]) -> list[LayerInfo]:
        out = []
        for diff_id in diff_ids:
            row = self._ctx.conn.execute(
                "SELECT diff_id, blob_digest, media_type, blob_size, size FROM layers "
                "WHERE diff_id = ?",
                (diff_id,),
            ).fetchone()
            if row is None:
                raise NoSuchObject(f"layer {diff_id} is missing from storage")
            out.append(LayerInfo(row[0], row[1], row[2], row[3], row[4]))
        return out

    def store_image(
        self,
        config: ImageConfig,
        layers: Sequence[LayerInfo],
        names: Sequence[str],
        manifest_format: str = "oci",
        annotations: Mapping[str, str] | None = None,
    ) -> ImageRecord:
        from hutch.engine.imagewrite import store_image

        record = store_image(
            self._ctx,
            config,
            layers,
            names,
            manifest_format=manifest_format,
            annotations=annotations,
        )
        # A later step or stage stands on it: no prune may take it meanwhile.
        self._hold(record.id)
        return record

    def attach_socket(self, container_id: str) -> Path:
        return self._ctx.paths.attach_socket(container_id)

    @contextlib.contextmanager
    def mounted(self, rootfs: Rootfs) -> Iterator[None]:
        from hutch.linux import syscalls as sc
        from hutch.runtime.rootfs import mount_rootfs

        self._ctx.enter_session()
        if not self._own_mount_ns:
            sc.unshare(sc.CLONE_NEWNS)  # mount_rootfs makes / private in it
            self._own_mount_ns = True
        cwd = os.getcwd()
        helper = mount_rootfs(rootfs)
        os.chdir(cwd)
        try:
            yield
        finally:
            sc.umount2(rootfs.target, sc.MNT_DETACH)
            if helper is not None:
                helper.terminate()
                helper.wait()


class BuildService:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def build(self, options: BuildOptions) -> BuildReport:
        run_settings = _validate(options, self._ctx.settings)
        # podman's default comes from $BUILDAH_FORMAT when --format is not given
        image_format = options.format or os.environ.get("BUILDAH_FORMAT") or "oci"
        if image_format not in ("oci", "docker"):
            raise InvalidArgument(f"invalid BUILDAH_FORMAT {image_format!r}: use oci or docker")
        names = tuple(_full_name(tag) for tag in options.tags)
        build_args = _build_args(options.build_args)
        labels = dict(_key_value(item, "--label") for item in options.labels)
        annotations = dict(_key_value(item, "--annotation") for item in options.annotations)
        env: dict[str, str] = {}
        for item in options.env:
            assign(env, item, f"invalid --env {item!r}: expected KEY=VALUE")
        # a bad one fails before anything runs
        hosts = _hosts(options.add_hosts, run_settings)
        timestamp = options.timestamp if options.timestamp is not None else environ_timestamp()
        if options.context == "-" and options.containerfile == "-":
            raise InvalidArgument("the context and the Containerfile cannot both come from stdin")
        if options.squash and options.squash_all:
            raise InvalidArgument("cannot specify --squash-all with --squash")
        output = parse_output(options.output) if options.output is not None else None
        if output is not None:
            check_output(output)
            if not output.to_stdout:  # the build changes directory while it mounts
                output = replace(output, dest=os.path.abspath(output.dest))
        named = _named_contexts(options.build_contexts)
        access = _registry_access(options)
        stdin_text = sys.stdin.read() if options.containerfile == "-" else None
        session = self._ctx.enter_session()
        run_settings = self._step_userns(options, run_settings)
        scratch: list[Path] = []
        agents = contextlib.ExitStack()  # ssh-agents started for --ssh KEY

        def scratch_dir() -> Path:
            path = self._ctx.layers.new_tmp()
            scratch.append(path)
            return path

        try:
            prepared = prepare_context(options.context, scratch_dir, sys.stdin.buffer)
            context_dir = prepared.directory
            contexts = _fetch_contexts(named, scratch_dir)
            # A relative Containerfile of an uploaded context is one of its files.
            uploaded = not prepared.local
            cf = _read_containerfile(
                options.containerfile, context_dir, stdin_text, uploaded, options.cpp_flags
            )
            if options.from_image:
                cf = with_first_base(cf, options.from_image)
            if options.all_platforms:
                self._check_all_platforms(cf, build_args, access or _default_access())
            ignore = _ignore(context_dir, options.containerfile, options.ignorefile)
            secrets = _secrets(options.secrets, self._ctx.layers, scratch)
            ssh = _ssh_agents(options.ssh, agents) if options.ssh else {}
            platform = host_platform()
            request = BuildRequest(
                containerfile=cf,
                context_dir=context_dir,
                ignore=ignore,
                build_args=build_args,
                names=names,
                commit_name=options.tags[0] if options.tags else "",
                target=options.target,
                # --squash-all with layers (asked for) keeps the steps' cache
                use_cache=not options.no_cache and options.layers and not options.squash,
                layers=options.layers and not options.squash,
                pull=options.pull,
                labels=labels,
                timestamp=timestamp,
                secrets=secrets,
                ssh=ssh,
                platform=(platform.os, platform.architecture, platform.variant),
                quiet=options.quiet,
                format=image_format,
                hosts=hosts,
                env=env,
                unsetenv=options.unsetenv,
                os_version=options.os_version,
                os_features=options.os_features,
                annotations=annotations,
                omit_history=options.omit_history,
                cache_ttl=_duration(options.cache_ttl, "--cache-ttl"),
                cache_from=_cache_repositories(options.cache_from, "--cache-from"),
                cache_to=_cache_repositories(options.cache_to, "--cache-to"),
                run=run_settings,
                squash_all=options.squash_all,
                skip_unused_stages=options.skip_unused_stages,
                output=output,
                # rootless, the exported files are the user's (buildah's NoLchown)
                output_keep_owners=session.mode == "root",
                contexts=contexts,
                cancelled=options.cancelled,
            )
            host = LocalBuildHost(
                self._ctx,
                options.quiet,
                access,
                options.cancelled,
                (options.retry, options.retry_delay),
            )
            if options.logsplit and options.logfile:
                Path(options.logfile).touch()  # made too, and left empty (as podman)
            logfile = log_path(options)
            log = open(logfile, "a") if logfile else None  # noqa: SIM115
            try:
                progress = Progress(
                    options.quiet,
                    log,
                    log.fileno() if log else None,
                    stdout_taken=output is not None and output.to_stdout,
                )
                record = Builder(host, request, progress).build()
            finally:
                host.release()
                if log is not None:
                    log.close()
        finally:
            agents.close()
            for path in scratch:
                with contextlib.suppress(OSError):
                    remove_tree(path)
        if options.iidfile:
            Path(options.iidfile).write_text(f"sha256:{record.id}")
        return BuildReport(record.id, names)

    def _step_userns(self, options: BuildOptions, run: RunSettings) -> RunSettings:
        """RUN's user namespace, in the session (the maps name its IDs, a path must be
        its namespace)."""
        if options.userns == BuildUserns():
            return run  # the session's: nothing to parse
        from hutch.engine.build_userns import check_path, parse_build_userns, step_userns

        plan = parse_build_userns(options.userns)
        if plan.path:
            check_path(plan.path)
        if not plan.mapped:
            return run
        state = self._ctx.enter_session()
        userns = step_userns(plan, state.uid_map, state.gid_map, self._ctx.driver.name)
        return replace(run, userns=userns)

    def _check_all_platforms(
        self, cf: Containerfile, build_args: Mapping[str, str], access: RegistryAccess
    ) -> None:
        """--all-platforms: the bases' shared platforms, refused unless the host's alone."""
        from hutch.engine.build_platforms import base_names, check_all_platforms
        from hutch.engine.distribution import Distribution
        from hutch.engine.manifests import Manifests

        manifests = Manifests(self._ctx, Distribution(self._ctx))

        def platforms_of(name: str) -> list[Platform]:
            entries = manifests.entries(name, True, access)
            found = (entry.descriptor.platform for entry in entries)
            # a registry's attestations are entries of platform unknown/unknown
            return [p for p in found if p is not None and p.os != "unknown"]

        host = host_platform()
        check_all_platforms(base_names(cf, build_args, host), platforms_of, host)


def _registry_access(options: BuildOptions) -> RegistryAccess | None:
    """The registry flags, or None where none is given (their classes load for a pull)."""
    given = (options.tls_verify, options.creds, options.authfile, options.cert_dir)
    if given == (None, None, None, None):
        return None
    from hutch.api.images import RegistryAccess

    return RegistryAccess(*given)


def _default_access() -> RegistryAccess:
    from hutch.api.images import RegistryAccess

    return RegistryAccess()


def _ssh_agents(items: Sequence[str], agents: contextlib.ExitStack) -> dict[str, Path]:
    from hutch.engine.build_ssh import ssh_agents  # subprocess, tempfile: for --ssh only

    return ssh_agents(items, os.environ, agents)


def _cache_repositories(texts: Sequence[str], flag: str) -> tuple[str, ...]:
    from hutch.build.cache import cache_repository

    return tuple(cache_repository(text, flag) for text in texts)


def _named_contexts(items: Sequence[str]) -> dict[str, NamedContext]:
    out: dict[str, NamedContext] = {}
    for item in items:
        name, named = parse_build_context(item)
        if named.kind == "dir" and not Path(named.value).is_dir():
            raise InvalidArgument(f"--build-context {name}: {named.value}: no such directory")
        out[name] = named
    return out


def _fetch_contexts(
    named: Mapping[str, NamedContext], scratch: Callable[[], Path]
) -> dict[str, NamedContext]:
    """Directories and images as they are; a URL fetched (a tar, a file, a git repository)."""
    out: dict[str, NamedContext] = {}
    for name, context in named.items():
        if context.kind == "dir":
            out[name] = NamedContext("dir", str(Path(context.value).resolve()))
        elif context.kind == "url":
            prepared = prepare_context(
                context.value, scratch, sys.stdin.buffer, what=f"build context {name}"
            )
            out[name] = NamedContext("dir", str(prepared.directory))
        else:
            out[name] = context
    return out


def _validate(options: BuildOptions, settings: Settings) -> RunSettings:
    """The options checked before anything runs; RUN's settings from them."""
    if options.pull not in PULL_POLICIES:
        raise InvalidArgument(
            f"invalid --pull {options.pull!r}: use {', '.join(PULL_POLICIES)} (or true/false)"
        )
    _duration(options.cache_ttl, "--cache-ttl")  # refused before anything runs
    _cache_repositories(options.cache_from, "--cache-from")  # likewise
    _cache_repositories(options.cache_to, "--cache-to")
    if options.retry is not None or options.retry_delay is not None:
        from hutch.registry.retry import parse_policy

        parse_policy(options.retry, options.retry_delay)  # likewise
    if (options.network or "").lower() == "none":
        # podman's refusal: a step without a network gets no resolv.conf
        for flag, given in (
            ("--dns", options.dns),
            ("--dns-option", options.dns_options),
            ("--dns-search", options.dns_search),
        ):
            if given:
                raise InvalidArgument(f"the {flag} option cannot be used with --network=none")
    run = _run_settings(options, settings)
    if options.format is not None and options.format not in ("oci", "docker"):
        raise InvalidArgument(f"invalid --format {options.format!r}: use oci or docker")
    _check_platform(options)
    return run


def _check_platform(options: BuildOptions) -> None:
    """--platform, --os, --arch and --variant name the host's platform, or are refused
    (no emulation): the flags given are named, with the platform they make."""
    host = host_platform()
    given = [
        f"{flag} {value}"
        for flag, value in (
            ("--platform", options.platform),
            ("--os", options.os),
            ("--arch", options.arch),
            ("--variant", options.variant),
        )
        if value
    ]
    if not given:
        return
    wanted = wanted_platform(options.platform, options.os, options.arch, options.variant)
    if wanted not in (host, replace(host, variant=None)):
        raise InvalidArgument(
            f"{', '.join(given)}: only the host's platform ({host}) can be built, not {wanted}"
        )


def _run_settings(options: BuildOptions, settings: Settings) -> RunSettings:
    """RUN's settings, each flag parsed (and a bad one refused) before the build starts.
    A flag not given is not parsed: its parser (run's security, namespace and network
    code, about a tenth of a cached build's start) loads only for a flag that needs it."""
    fields: dict[str, Any] = {}
    if options.security_opts:
        from hutch.engine.security import parse_security_opts

        security = parse_security_opts(options.security_opts)
        if security.seccomp not in ("", "unconfined"):
            raise InvalidArgument(
                f"--security-opt seccomp={security.seccomp}: "
                "a build's RUN steps take no seccomp profile"
            )
        fields.update(
            no_new_privileges=security.no_new_privileges,
            mask=security.mask,
            unmask=security.unmask,
        )
    if options.userns != BuildUserns():
        from hutch.engine.build_userns import parse_build_userns

        parse_build_userns(options.userns)  # refused before anything runs (build: the maps)
    if options.network is not None:
        from hutch.engine.build_namespaces import build_network

        network = build_network(options.network, settings.network_backend)
        fields.update(network=network.mode, private=network.private)
    # containers.conf's defaults where the flags set nothing, as buildah reads them
    from hutch.config.container_defaults import ContainerDefaults
    from hutch.engine.environment import proxy_environment

    conf = settings.defaults or ContainerDefaults()
    no_hosts = conf.no_hosts if options.no_hosts is None else options.no_hosts
    if no_hosts and options.add_hosts:
        # podman's refusal, with containers.conf's no_hosts = true too (its man page)
        raise InvalidArgument("--no-hosts and --add-host conflict, can not be used together")
    http_proxy = conf.http_proxy if options.http_proxy is None else options.http_proxy
    shm = options.shm_size
    if shm is None and conf.shm_size:
        from hutch.engine.conf_defaults import decimal_size

        shm = str(decimal_size(conf.shm_size))
    if shm is not None:
        from hutch.engine.nsmodes import shm_size

        fields["shm_size"] = shm_size(shm)
    ulimits = options.ulimits
    if conf.ulimits:
        from hutch.engine.conf_defaults import unnamed

        ulimits = (*unnamed(conf.ulimits, ulimits), *ulimits)
    if ulimits:
        from hutch.engine.security import parse_ulimits

        fields["ulimits"] = parse_ulimits(ulimits)
    if options.namespaces != BuildNamespaces() or options.devices:
        from hutch.engine.build_run_modes import step_devices, step_namespaces

        fields.update(
            namespaces=step_namespaces(options.namespaces),
            devices=step_devices(options.devices),
        )
    return RunSettings(
        volumes=tuple(_volume(item) for item in options.volumes),
        dns=options.dns or conf.dns_servers,
        dns_search=options.dns_search or conf.dns_searches,
        dns_options=options.dns_options or conf.dns_options,
        capabilities=_capabilities(options.cap_add, options.cap_drop, conf.capabilities),
        no_hostname=options.no_hostname,
        no_hosts=no_hosts,
        proxy_env=proxy_environment() if http_proxy else (),
        resources=_run_resources(options.resources, settings),
        stdin=options.stdin,
        **fields,
    )


def _run_resources(options: ResourceOptions, settings: Settings) -> ResourceSpec | None:
    """RUN's cgroup limits, placed as run places a container's (each step gets a cgroup
    of its own, made and removed by its monitor), or refused on a host that cannot
    enforce them. No limit asked: None, and no probe of the host's cgroups at all."""
    if options == ResourceOptions():
        return None  # no flag at all: given_limits' flag table is not even loaded
    if not options.given_limits() and options.cgroup_parent is None:
        return None
    from hutch.cgroups.manager import DISABLE_HINT
    from hutch.engine.resources import plan_for_create

    try:
        return plan_for_create(options, settings)
    except HostNotReady as exc:
        # run's way out is its --cgroups=disabled, which build does not have
        text = exc.message.replace(DISABLE_HINT, "or build without the limit flags")
        raise HostNotReady(text, hint=exc.hint) from None


def _capabilities(
    add: tuple[str, ...], drop: tuple[str, ...], default: tuple[str, ...] | None = None
) -> tuple[str, ...] | None:
    """RUN's set: --cap-add and --cap-drop on podman's default one (ALL: every known),
    or on containers.conf's ``default_capabilities``; None: podman's default."""
    if not add and not drop and default is None:
        return None  # no flag, no containers.conf list: nothing to parse
    from hutch.linux.caps import CAPABILITIES, DEFAULT_CAPABILITIES
    from hutch.runtime.capsets import parse_names

    added = parse_names(add, "--cap-add")
    dropped = parse_names(drop, "--cap-drop")
    base = set(DEFAULT_CAPABILITIES)
    if default is not None:
        base = set(parse_names(default, "containers.conf default_capabilities"))
        base = set(CAPABILITIES) if "ALL" in base else base
    if not added and not dropped and base == set(DEFAULT_CAPABILITIES):
        return None
    given = set(CAPABILITIES) if "ALL" in added else set(added)
    # as podman (and run, runtime/capsets.py): --cap-drop all, then the added ones
    # only; otherwise an added one stays even when also dropped
    names = given if "ALL" in dropped else (base - set(dropped)) | given
    return tuple(sorted(names, key=lambda n: CAPABILITIES[n]))


def _volume(item: str) -> tuple[str, str, bool]:
    """-v SRC:DST[:OPTS] for RUN: a bind mount of a host path (ro, rw, z, Z)."""
    parts = item.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1].startswith("/"):
        raise InvalidArgument(f"invalid --volume {item!r}: expected SRC:DST[:ro|rw]")
    opts = parts[2].split(",") if len(parts) == 3 else []
    unknown = [o for o in opts if o not in ("ro", "rw", "z", "Z")]
    if unknown:
        raise InvalidArgument(f"invalid --volume {item!r}: unknown option {unknown[0]!r}")
    source = Path(parts[0])
    if not source.exists():
        raise InvalidArgument(f"--volume {item}: {source}: no such file or directory")
    return str(source.resolve()), parts[1], "ro" in opts


def _duration(text: str | None, flag: str) -> float | None:
    from hutch.util.durations import parse_duration

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError:
        raise InvalidArgument(
            f"invalid {flag} {text!r}: expected a duration such as 30m or 1h30m"
        ) from None


def _hosts(items: Sequence[str], run: RunSettings) -> tuple[tuple[str, str], ...]:
    """--add-host HOST:IP as run's; host-gateway is the private network's gateway
    with --network private, else the host's own loopback (RUN shares the host's
    network, or has none)."""
    if not items:
        return ()
    from hutch.engine.netconfig import parse_add_host

    gateway = run.private_spec().gateway if run.network == "private" else "127.0.0.1"
    hosts = []
    for item in items:
        name, address = parse_add_host(item)
        hosts.append((name, gateway if address == "host-gateway" else address))
    return tuple(hosts)


def _full_name(tag: str) -> str:
    from hutch.oci.reference import parse_reference

    return str(parse_reference(tag, default_registry="localhost"))


def _key_value(item: str, flag: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not key:
        raise InvalidArgument(f"invalid {flag} {item!r}: expected KEY=VALUE")
    return key, value if sep else ""


def _build_args(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        assign(out, item, f"invalid --build-arg {item!r}: expected KEY=VALUE")
    return out


def _read_containerfile(
    name: str | None,
    context_dir: Path,
    stdin_text: str | None,
    uploaded: bool = False,
    cpp_flags: tuple[str, ...] = (),
) -> Containerfile:
    from hutch.build.parser import parse

    if stdin_text is not None:
        return parse(stdin_text, "-")
    if name is None:
        for candidate in _DEFAULT_FILES:
            if (context_dir / candidate).is_file():
                path = context_dir / candidate
                break
        else:
            raise InvalidArgument(
                f"no Containerfile or Dockerfile in {context_dir}: give one with -f"
            )
    else:
        path = Path(name)
        if uploaded and not (context_dir / name).resolve().is_relative_to(context_dir.resolve()):
            raise InvalidArgument(f"the Containerfile {name!r} is not inside the build context")
        if not path.is_absolute() and (uploaded or not path.exists()):
            path = context_dir / name
    try:
        text = path.read_text()
    except OSError as exc:
        raise InvalidArgument(f"reading {name or path}: {exc.strerror}") from None
    from hutch.engine.build_cpp import preprocess, wants_cpp

    if wants_cpp(path.name):
        text = preprocess(text, str(name or path), context_dir, cpp_flags, os.environ)
    return parse(text, str(name or path.name))


def _ignore(
    context_dir: Path, containerfile: str | None, ignorefile: str | None = None
) -> IgnoreMatcher | None:
    if ignorefile is not None:
        try:
            return IgnoreMatcher.from_file_text(Path(ignorefile).read_text())
        except OSError as exc:
            raise InvalidArgument(f"--ignorefile {ignorefile}: {exc.strerror}") from None
    found = find_ignore_file(context_dir, containerfile or "Containerfile")
    if found is None and containerfile is None:
        found = find_ignore_file(context_dir, "Dockerfile")
    if found is None:
        return None
    return IgnoreMatcher.from_file_text(found.read_text())


def _secrets(items: Sequence[str], layers: LayerStore, scratch: list[Path]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for item in items:
        fields = dict(_key_value(part, "--secret") for part in item.split(","))
        ident = fields.get("id")
        if not ident:
            raise InvalidArgument(f"invalid --secret {item!r}: expected id=NAME,src=PATH")
        if "src" in fields or "source" in fields:
            path = Path(fields.get("src") or fields["source"])
            if not path.is_file():
                raise InvalidArgument(f"--secret {ident}: {path} is not a file")
            out[ident] = path.resolve()
        elif "env" in fields:
            value = os.environ.get(fields["env"])
            if value is None:
                raise InvalidArgument(f"--secret {ident}: ${fields['env']} is not set")
            tmp = layers.new_tmp()
            scratch.append(tmp)
            (tmp / "secret").write_text(value)
            out[ident] = tmp / "secret"
        else:
            raise InvalidArgument(f"invalid --secret {item!r}: give src=PATH or env=VAR")
    return out

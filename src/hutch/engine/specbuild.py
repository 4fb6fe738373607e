"""Turning run options and an image's config into a runtime spec."""

from __future__ import annotations

import json
import os
from dataclasses import replace

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import netconfig, nsmodes, run_flags, security
from hutch.engine.environment import (
    merge_environment,
    merge_variables,
    proxy_environment,
    unset_defaults,
)
from hutch.engine.hostsfile import HostsConf
from hutch.engine.specbuild_lifecycle import lifecycle_spec
from hutch.linux.caps import DEFAULT_CAPABILITIES
from hutch.oci.image import ImageConfig
from hutch.runtime.spec import (
    DEFAULT_PATH,
    NAMESPACES,
    Mount,
    PasswdSpec,
    Process,
    Rootfs,
    Spec,
    User,
)
from hutch.runtime.spec_network import NetworkSpec
from hutch.store.containers import ContainerDirs
from hutch.util import signames

NETWORK_MODES = ("none", "host", "private")
INIT_PATH = "/run/podman-init"  # where --init-path's binary appears (podman's path)


def command_line(options: RunOptions, image: ImageConfig) -> tuple[str, ...]:
    """Entrypoint + command, with Docker's override rules."""
    entrypoint = image.config.entrypoint or ()
    cmd = image.config.cmd or ()
    if options.entrypoint is not None:
        entrypoint = _parse_entrypoint(options.entrypoint)
        cmd = ()  # a new entrypoint drops the image's Cmd, as in Docker
    if options.command:
        cmd = options.command
    return tuple(entrypoint) + tuple(cmd)


def _parse_entrypoint(text: str) -> tuple[str, ...]:
    """A JSON array of strings, else the text as one program name (podman reads it so:
    ``--entrypoint [`` runs ``[``)."""
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
    return (text,) if text else ()


# containers.conf's built-in [containers] env, where no file sets one: podman's has
# TERM=xterm, so every container gets it, with a terminal or not (its PATH is the
# default PATH that environment() adds where neither the file nor the image sets one)
CONF_ENV = ("TERM=xterm",)


def environment(options: RunOptions, image: ImageConfig, hostname: str | None) -> tuple[str, ...]:
    """containers.conf env < image env < host env (--env-host, or its proxy variables)
    < env files < -e flags < --env-merge.

    ``-e NAME`` copies the host's value. ``--unsetenv`` and ``--unsetenv-all``
    drop only defaults (the image's and hutch's own), never what the flags set,
    and HOSTNAME stays (podman's runtime adds it after them). ``hostname`` None:
    without the runtime's HOSTNAME (the container's configured environment).
    """
    # podman's default PATH (where neither containers.conf nor the image sets one: an
    # imported image has no env) and container=, under containers.conf's and the
    # image's; PATH first, as inspect's Config.Env shows it (the merge keeps a name's
    # first place and its last value)
    defaults = unset_defaults(
        (
            f"PATH={DEFAULT_PATH}",
            *(options.env_defaults or CONF_ENV),
            "container=hutch",
            *image.config.env,
        ),
        options.unsetenv,
        everything=options.unsetenv_all,
    )
    host = host_environment(options)
    merged = merge_environment(
        (*defaults, *host, *(() if hostname is None else (f"HOSTNAME={hostname}",))),
        # TERM=xterm of a terminal is one of the defaults (podman's containers.conf has it)
        tty=options.tty and not options.unsetenv_all and "TERM" not in options.unsetenv,
        env_files=options.env_files,
        env=options.env,
    )
    return merge_variables(merged, options.env_merge)


def host_environment(options: RunOptions) -> tuple[str, ...]:
    """What the container takes of hutch's own environment, over the image's: all of
    it with --env-host, else its proxy variables (--http-proxy, on unless turned
    off), as podman puts them over the image's and containers.conf's variables and
    under env files and -e."""
    if options.env_host:
        return tuple(f"{k}={v}" for k, v in os.environ.items())
    if options.http_proxy is False:
        return ()
    return proxy_environment()


def own_env(options: RunOptions, image: ImageConfig, hostname_given: bool) -> tuple[str, ...]:
    """What only the container's own process gets (``Process.own_env``): podman's
    runtime adds HOSTNAME to it, and an exec session has HOSTNAME only where the
    container's configuration set it (``--hostname``, ``-e``, an env file, the image,
    containers.conf): ``podman exec CTR env`` shows none otherwise (4.3.1)."""
    if hostname_given:
        return ()
    configured = environment(options, image, None)
    return () if any(item.startswith("HOSTNAME=") for item in configured) else ("HOSTNAME",)


def pidfile_of(options: RunOptions, dirs: ContainerDirs) -> str:
    """Where the init's pid goes: --pidfile, else podman's userdata/pidfile."""
    return options.pidfile or os.fspath(dirs.pidfile)


def validate_network(mode: str) -> None:
    # container:NAME, ns:PATH and user networks: their form here, the rest in the engine
    netconfig.check_mode(mode)
    if mode not in NETWORK_MODES and netconfig.kind(mode) not in ("join", "bridge", "private"):
        raise InvalidArgument(
            f"invalid --network {mode!r}: this version supports {', '.join(NETWORK_MODES)}"
        )


def passwd_spec(options: RunOptions) -> PasswdSpec:
    """--passwd, --passwd-entry, --group-entry, and --hostuser's host entries."""
    return PasswdSpec(
        add=options.passwd.add,
        entry=options.passwd.entry or "",
        group_entry=options.passwd.group_entry or "",
        host_users=tuple(host_user(name) for name in options.passwd.hostuser),
    )


def host_user(name: str) -> str:
    """The host's passwd line of a user name or uid (podman: unknown user)."""
    import pwd

    try:
        entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
    except KeyError:
        raise InvalidArgument(f"--hostuser: user: unknown user {name}") from None
    fields = (entry.pw_name, "x", entry.pw_uid, entry.pw_gid, entry.pw_gecos, entry.pw_dir)
    return ":".join(map(str, fields)) + ":" + entry.pw_shell


def build_spec(
    *,
    container_id: str,
    name: str,
    options: RunOptions,
    image: ImageConfig,
    rootfs: Rootfs,
    dirs: ContainerDirs,
    network: NetworkSpec | None = None,
    hosts_conf: HostsConf | None = None,
) -> Spec:
    validate_network(options.network or "private")
    mode = "private" if netconfig.helper_of(options.network) else options.network or "private"
    net = network or NetworkSpec(mode=mode)
    hostname = options.hostname or container_id[:12]
    args = command_line(options, image)
    if not args:
        raise InvalidArgument(
            # podman's words (scripts match them)
            "no command or entrypoint provided, and no CMD or ENTRYPOINT from image"
        )
    shared_net = options.network == "host" or net.mode == "join"  # no new net namespace
    namespaces = tuple(ns for ns in NAMESPACES if not (ns == "net" and shared_net))
    others = nsmodes.not_made(options.namespaces)  # --ipc/--uts/--cgroupns host, joins
    namespaces = tuple(ns for ns in namespaces if ns not in others)
    labels = dict(image.config.labels)
    image_profile = security.image_seccomp_profile(options.security, labels)
    secure = security.build(options.security, namespaces, image_profile)
    process = Process(
        args=args,
        env=environment(options, image, hostname),
        cwd=options.workdir or image.config.working_dir or "/",
        create_cwd=not options.workdir,
        user=User(options.user if options.user is not None else image.config.user),
        terminal=options.tty,
        stdin=options.interactive,
        capabilities=DEFAULT_CAPABILITIES,
        umask=run_flags.umask(options),
        personality=options.kernel.personality or "",
        oom_score_adj=options.kernel.oom_score_adj,
    )
    if not process.cwd.startswith("/"):
        raise InvalidArgument(f"invalid --workdir {process.cwd!r}: it must be an absolute path")
    # The monitor stops the container itself for --health-on-failure=stop|restart.
    try:  # the flag was checked before; an image's odd StopSignal is ignored
        stop_signal = signames.parse_for_kill(
            options.stop_signal or image.config.stop_signal or "SIGTERM"
        )
    except ValueError:
        stop_signal = signames.parse("SIGTERM")
    stop_timeout = 10.0 if options.stop_timeout is None else float(options.stop_timeout)
    lifecycle = replace(
        lifecycle_spec(options.lifecycle, image.config.healthcheck, stop_signal, stop_timeout),
        conmon_pidfile=options.conmon_pidfile or os.fspath(dirs.conmon_pidfile),
        pidfile=pidfile_of(options, dirs),
    )
    if options.sdnotify == "healthy" and lifecycle.health is None:
        raise InvalidArgument(
            "--sdnotify=healthy needs a health check: --health-cmd, or an image that has one"
        )
    init_mounts: tuple[Mount, ...] = ()
    if options.lifecycle.init and options.lifecycle.init_path:
        # podman's --init-path: the binary, mounted where podman mounts it, is PID 1
        # and runs the command after "--"; hutch's own init then stays out
        init_mounts = (Mount("bind", INIT_PATH, options.lifecycle.init_path, ("ro",)),)
        process = replace(process, args=(INIT_PATH, "--", *process.args))
        lifecycle = replace(lifecycle, init=False)
    return Spec(
        mounts=init_mounts,
        id=container_id,
        hostname=hostname,
        domainname=options.domainname or "",
        process=process,
        rootfs=security.rootfs_for(rootfs, secure),
        namespaces=namespaces,
        masked_paths=secure.masked_paths,
        readonly_paths=secure.readonly_paths,
        security=secure.spec,
        etc_files=netconfig.write_etc_files(
            dirs.userdata, options, net, hostname, name, hosts_conf, rootfs
        ),
        mtab=True,
        network=net,
        lifecycle=lifecycle,
        passwd=passwd_spec(options),
    )

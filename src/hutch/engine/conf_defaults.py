"""containers.conf's defaults filled into a new container's options (``parse_create``).

A default fills only what the flags left unset, so a flag always wins; list keys
go under the flags' items (a sysctl, ulimit or annotation the flags name again is
the flags'). The switches (``env_host``, ``http_proxy``, ``init``,
``no_hosts``, ``read_only``, ``privileged``) are None in the options when no flag
gave them, so a file's value decides then and ``--read-only=false`` wins over a
file's ``true``, as podman asks whether the flag was changed; every container
leaves here with a plain bool in each (false without a file, but ``http_proxy``,
true as in podman). Filled in here, the values are in the record, so
``inspect``, restarts and ``container clone`` see what the container was made with,
as podman's spec keeps them.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from hutch.api.container_config import NamespaceOptions, RunOptions, SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import pull_policy
from hutch.config.container_defaults import ContainerDefaults
from hutch.engine import netconfig
from hutch.runtime import sysctls
from hutch.runtime.logfile import DRIVERS


def apply(options: RunOptions, defaults: ContainerDefaults | None) -> RunOptions:
    """``options`` with ``defaults`` where the flags set nothing (None: no file sets
    any); ``options.network`` is resolved (the default network filled in)."""
    d = defaults or ContainerDefaults()
    options = _switches(options, d)
    if d == ContainerDefaults():
        return options
    net = options.net
    net = replace(
        net,
        dns=net.dns or d.dns_servers,
        dns_search=net.dns_search or d.dns_searches,
        dns_options=net.dns_options or d.dns_options,
    )
    security = options.security
    security = replace(
        security,
        default_capabilities=_capabilities(security.default_capabilities, d.capabilities),
        sysctl=(*_own_sysctls(d.sysctls, options), *security.sysctl),
        ulimit=(*unnamed(d.ulimits, security.ulimit), *security.ulimit),
        userns=security.userns if security.userns is not None else (d.userns or None),
        device=_devices(d.devices, security),
        security_opt=_seccomp(d.seccomp_profile, security.security_opt),
    )
    lifecycle = replace(
        options.lifecycle,
        init_path=options.lifecycle.init_path or d.init_path or None,
    )
    log = options.log
    if (driver := log_driver(log.driver, d)) != log.driver:
        log = replace(log, driver=driver)
    if d.log_tag and not any(o.startswith("tag=") for o in log.opts):
        log = replace(log, opts=(f"tag={d.log_tag}", *log.opts))
    if (
        d.log_size_max > 0
        and log.driver != "none"
        and not any(o.startswith("max-size=") for o in log.opts)
    ):
        log = replace(log, opts=(f"max-size={d.log_size_max}", *log.opts))
    kernel = options.kernel
    if kernel.shm_size is None and d.shm_size:
        kernel = replace(kernel, shm_size=str(decimal_size(d.shm_size)))
    if kernel.oom_score_adj is None and d.oom_score_adj is not None:
        kernel = replace(kernel, oom_score_adj=d.oom_score_adj)
    volumes = options.volumes
    if d.volumes:
        taken = {_destination(v) for v in volumes.volumes}
        mine = tuple(v for v in d.volumes if _destination(v) not in taken)
        volumes = replace(volumes, volumes=(*mine, *volumes.volumes))
    if d.mounts:
        taken = {_destination(v) for v in volumes.volumes} | {
            mount_destination(m) for m in volumes.mounts
        }
        mine = tuple(m for m in d.mounts if mount_destination(m) not in taken)
        volumes = replace(volumes, mounts=(*mine, *volumes.mounts))
    resources = options.resources
    if d.cgroup_conf:  # a file's key that --cgroup-conf sets again is the flag's
        own = (*unnamed(d.cgroup_conf, resources.cgroup_conf), *resources.cgroup_conf)
        resources = replace(resources, cgroup_conf=own)
    return replace(
        options,
        resources=resources,
        env_defaults=options.env_defaults or d.env,
        annotations=(*unnamed(d.annotations, options.annotations), *options.annotations),
        timezone=options.timezone if options.timezone is not None else (d.tz or None),
        umask=options.umask or d.umask or None,
        stop_timeout=options.stop_timeout if options.stop_timeout is not None else d.stop_timeout,
        net=net,
        security=security,
        lifecycle=lifecycle,
        log=log,
        kernel=kernel,
        volumes=volumes,
        namespaces=_namespaces(options, d),
    )


def log_driver(given: str, defaults: ContainerDefaults | None) -> str:
    """The log driver a container gets: the flag's, else the file's where hutch has it.
    journald is not hutch's: the default stays (as a key hutch cannot honour), rather
    than every run refused for a file."""
    if not given and defaults is not None and defaults.log_driver in DRIVERS:
        return defaults.log_driver
    return given


def _switches(options: RunOptions, d: ContainerDefaults) -> RunOptions:
    """The switches a flag did not give (None) take the file's value."""

    def pick(given: bool | None, default: bool) -> bool:
        return default if given is None else given

    return replace(
        options,
        env_host=pick(options.env_host, d.env_host),
        http_proxy=pick(options.http_proxy, d.http_proxy),
        net=replace(options.net, no_hosts=pick(options.net.no_hosts, d.no_hosts)),
        security=replace(
            options.security,
            read_only=pick(options.security.read_only, d.read_only),
            privileged=pick(options.security.privileged, d.privileged),
        ),
        lifecycle=replace(options.lifecycle, init=pick(options.lifecycle.init, d.init)),
        # no --pull (""): [engine] pull_policy, podman's missing without one
        pull=replace(options.pull, policy=options.pull.policy or _pull_policy(d.pull_policy)),
    )


_SIZE = re.compile(r"^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$", re.IGNORECASE)


def decimal_size(text: str) -> int:
    """Bytes of a size in containers.conf: podman reads ``shm_size`` with go-units'
    FromHumanSize, whose units are decimal (``32m`` is 32000000 bytes, where the
    flag's ``--shm-size 32m`` is 32 MiB), so a file means what it means to podman."""
    match = _SIZE.match(text.strip())
    if match is None:
        raise InvalidArgument(f"containers.conf: [containers] shm_size {text!r}: invalid size")
    unit = (match.group(2) or "").lower()
    return int(float(match.group(1)) * 1000 ** (" kmgtp".index(unit) if unit else 0))


def _capabilities(
    given: tuple[str, ...] | None, default: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """containers.conf's set, unless it is podman's built-in one (Debian's file
    repeats it): the record then stays as without a file."""
    if given is not None or default is None:
        return given
    from hutch.linux.caps import DEFAULT_CAPABILITIES, normalize

    if {normalize(c) for c in default} == set(DEFAULT_CAPABILITIES):
        return None
    return default


def _pull_policy(policy: str) -> str:
    """[engine] pull_policy in --pull's words (podman's spellings too), missing for none."""
    return pull_policy(policy, "[engine] pull_policy") if policy else "missing"


def unnamed(defaults: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    """The ``NAME=VALUE`` defaults whose NAME the flags do not set."""
    names = {item.partition("=")[0].strip() for item in given}
    return tuple(item for item in defaults if item.partition("=")[0].strip() not in names)


def _own_sysctls(defaults: tuple[str, ...], options: RunOptions) -> tuple[str, ...]:
    """The default sysctls of the container's own namespaces: podman leaves out a
    default ``net.*`` one under ``--network host`` (and ``ipc`` ones under
    ``--ipc host``) instead of refusing the container, as it refuses the flag."""
    shared = set()
    if netconfig.kind(options.network) in ("host", "join"):
        shared.add("net")
    if options.namespaces.ipc == "host" or options.namespaces.ipc.startswith("container:"):
        shared.add("ipc")
    if options.namespaces.uts == "host":
        shared.add("uts")
    out = []
    for item in unnamed(defaults, options.security.sysctl):
        name = item.partition("=")[0].strip().replace("/", ".")
        if sysctls.namespace_of(name) not in shared:
            out.append(item)
    return tuple(out)


def _devices(defaults: tuple[str, ...], security: SecurityOptions) -> tuple[str, ...]:
    """containers.conf's devices before the flags': podman adds them to every
    container but a privileged one (which has all the host's), and a flag's device
    at the same path is the flag's."""
    if not defaults or security.privileged:
        return security.device
    taken = {_device_path(d) for d in security.device}
    mine = tuple(d for d in defaults if _device_path(d) not in taken)
    return (*mine, *security.device)


def _device_path(device: str) -> str:
    """``HOST[:CONTAINER][:PERMISSIONS]``: the path inside the container."""
    parts = device.split(":")
    return parts[1] if len(parts) > 1 and parts[1].startswith("/") else parts[0]


def _destination(volume: str) -> str:
    """``SRC:DST[:OPTS]`` or an anonymous ``DST``: where it is mounted."""
    parts = volume.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _seccomp(profile: str, security_opt: tuple[str, ...]) -> tuple[str, ...]:
    """containers.conf's ``seccomp_profile`` as a ``seccomp=`` option, unless one is
    given: a file (which must exist, as podman reads it) or ``unconfined``."""
    if not profile or any(o.startswith(("seccomp=", "seccomp:")) for o in security_opt):
        return security_opt
    if profile != "unconfined" and not os.path.isfile(profile):
        raise InvalidArgument(
            f"containers.conf: [containers] seccomp_profile {profile}: no such file"
        )
    return (f"seccomp={profile}", *security_opt)


def _namespaces(options: RunOptions, d: ContainerDefaults) -> NamespaceOptions:
    """``pidns``, ``ipcns``, ``utsns``, ``cgroupns`` where the flags give no mode; a
    pod's member takes the pod's namespaces instead (the pod decides what it shares)."""
    ns = options.namespaces
    if options.pod is not None:
        return ns
    return replace(
        ns,
        pid=ns.pid or _private(d.pidns),
        ipc=ns.ipc or d.ipcns,  # private (not to be joined) and shareable are hutch's too
        uts=ns.uts or _private(d.utsns),
        cgroupns=ns.cgroupns or _private(d.cgroupns),
    )


def _private(mode: str) -> str:
    """podman's ``private`` is hutch's default (""): the record stays as without a file."""
    return "" if mode == "private" else mode


def mount_destination(mount: str) -> str:
    """Where a ``--mount`` value mounts (volumes/specs.py reads it, as for the flag)."""
    from hutch.volumes.specs import parse_mount

    return parse_mount(mount).destination

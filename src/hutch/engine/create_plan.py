"""``create`` in two pure steps, before the execution that stores anything.

``parse_create`` checks the flags (everything that can be refused before the
image is there, so a bad flag never pulls), ``plan_create`` adds what the
image decides (its volumes, its exposed ports, the network the monitor will
attach) and the record to store. Neither touches the store: both are tested
without one (tests/unit/engine/test_create_plan.py). ``ContainerService.create``
executes the plan: the record, the rootfs, the bundle, the volumes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from hutch.api.container_config import KernelOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.cgroups.limits import ResourceSpec
from hutch.config.settings import Settings
from hutch.engine import (
    conf_defaults,
    logconfig,
    netconfig,
    nsmodes,
    run_flags,
    security,
    specbuild_lifecycle,
    timezone,
)
from hutch.engine import resources as engine_resources
from hutch.engine.container_record import ContainerConfig
from hutch.engine.secret_refs import parse_secrets
from hutch.engine.specbuild import host_user, validate_network
from hutch.oci.image import ImageConfig
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.spec import Mount
from hutch.runtime.spec_network import NetworkSpec
from hutch.util.ids import NAME_RULE, random_name, valid_name

# --sdnotify: conmon (READY=1 once the container runs), container (the
# container's own, engine/notify_relay.py), healthy, ignore
SDNOTIFY_MODES = ("conmon", "container", "healthy", "ignore")


@dataclass(frozen=True)
class CreateRequest:
    """The flags of a create, checked."""

    options: RunOptions  # the default network filled in
    restart: RestartPolicy
    localtime: tuple[Mount, ...]  # --tz: the zone file at /etc/localtime
    resources: ResourceSpec  # the limits, as this host's cgroups can apply them
    # host ports a container about to be removed holds (ports.Released): not probed
    released_ports: frozenset[tuple[int, str]] = frozenset()
    # a pod clone's infra: its static address may be another's for now (pod_addresses)
    shared_address: bool = False


@dataclass(frozen=True)
class CreatePlan:
    """What ``create`` makes of the flags and the image; executed by ContainerService."""

    request: CreateRequest
    name: str
    config: ContainerConfig  # the record, before the spec's fields are filled in
    network: NetworkSpec  # published ports have their host port


def parse_restart(text: str, what: str | None = "container") -> RestartPolicy:
    """``text`` as a policy, refused in podman's words (its create puts "running
    WHAT create option:" before an unknown name: libpod's option refuses it; None:
    no create, no such words)."""
    from hutch.runtime.restart import UnknownPolicy

    try:
        return RestartPolicy.parse(text)
    except UnknownPolicy as exc:
        context = f"running {what} create option: " if what else ""
        raise InvalidArgument(f"{context}{exc}") from exc
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from exc


def _sdnotify_error(mode: str) -> str:
    # current podman's words (4.3.1's list lacks healthy, which hutch has)
    return (
        f'invalid config provided: invalid argument: invalid sdnotify value "{mode}": '
        "must be conmon, container, healthy or ignore"
    )


PERSONALITIES = ("LINUX", "LINUX32")  # the OCI spec's execution domains


def _check_kernel(kernel: KernelOptions) -> None:
    if kernel.shm_size_systemd is not None:
        engine_resources.parse_size(kernel.shm_size_systemd, "--shm-size-systemd")
    if kernel.personality is not None and kernel.personality not in PERSONALITIES:
        raise InvalidArgument(
            f"invalid --personality {kernel.personality!r}: expected LINUX or LINUX32"
        )
    score = kernel.oom_score_adj
    if score is not None and not -1000 <= score <= 1000:
        raise InvalidArgument(f"invalid --oom-score-adj {score}: it must be between -1000 and 1000")


def parse_create(options: RunOptions, settings: Settings) -> CreateRequest:
    """Refuse bad flags (InvalidArgument) before anything is pulled or stored."""
    options = netconfig.resolve_mode(options, settings)
    netconfig.check_dns_flags(options)  # the flags', before containers.conf's servers
    # containers.conf's defaults where the flags set nothing (engine/conf_defaults.py)
    options = conf_defaults.apply(options, settings.defaults)
    validate_network(options.network)
    if options.net.no_hosts and options.net.add_hosts:
        # podman's refusal (its man page: --add-host conflicts with --no-hosts and with
        # containers.conf's no_hosts = true)
        raise InvalidArgument("--no-hosts and --add-host cannot be set together")
    options = run_flags.without_unusable_ports(options)
    netconfig.validate(options)
    security.validate(options.security, options.network)
    specbuild_lifecycle.validate(options.lifecycle)
    options = run_flags.check(options)
    if options.remove and options.restart not in ("", "no", "on-failure"):
        # podman checks the words before it parses the policy, attached or not (a
        # bare on-failure passes its check, on-failure:N does not)
        raise InvalidArgument(
            'the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"'
        )
    restart = parse_restart(options.restart)
    if options.stop_signal:
        from hutch.engine.signal_parse import parse_signal  # signal's enums: a given one only

        parse_signal(options.stop_signal)
    if options.name and options.name.startswith("/"):
        # docker's names carry a leading "/" (its inspect shows "/web"); podman
        # and docker take "--name /web" as "web"
        options = replace(options, name=options.name[1:])
    memory = options.resources.memory
    if memory is not None and engine_resources.parse_size(memory, "--memory") == 0:
        # podman sets a limit only for a size above 0: --memory=0 is no limit
        options = replace(options, resources=replace(options.resources, memory=None))
    if options.name and not valid_name(options.name):  # --name "": a name is made, as podman
        raise InvalidArgument(
            f"running container create option: {NAME_RULE}: invalid argument"  # podman's
        )
    if options.cidfile and os.path.lexists(options.cidfile):
        raise cidfile_taken(options.cidfile)
    if options.sdnotify not in SDNOTIFY_MODES:
        raise InvalidArgument(_sdnotify_error(options.sdnotify))
    if options.replace and not options.name:
        raise InvalidArgument("cannot replace container without --name being set")
    nsmodes.check(options)
    for name in options.passwd.hostuser:
        host_user(name)  # the host must know it
    _check_kernel(options.kernel)
    parse_secrets(options.secrets)
    localtime = timezone.localtime_mounts(options.timezone)
    logconfig.check(options.log.driver, options.log.opts)
    logconfig.check_streams(options.log.driver, options.tty)
    resources = engine_resources.plan_for_create(options.resources, settings)
    return CreateRequest(options, restart, localtime, resources)


def plan_create(
    request: CreateRequest, image: ImageConfig, settings: Settings, driver: str
) -> CreatePlan:
    """The container ``request`` makes of ``image`` with the storage ``driver``."""
    options = request.options
    return CreatePlan(
        request=request,
        name=options.name or random_name(),
        config=ContainerConfig(options=options, driver=driver, restart=request.restart),
        network=netconfig.network_spec(options, image, settings, request.released_ports),
    )


def cidfile_taken(path: str) -> InvalidArgument:
    """podman's words for a --cidfile that exists already."""
    return InvalidArgument(
        f"container id file exists. Ensure another container is not using it or delete {path}"
    )

"""``pod clone``: the clone's options, made of the original pod's and the changes given.

``engine/pods.py`` makes the clone (the pod, then each member again in it) and
only then removes the original for ``--destroy``; what it asks of this module
is pure: the options of the new pod, and the host ports the original holds.
"""

from __future__ import annotations

from dataclasses import fields, replace

from hutch.api.pods import PodCreateOptions
from hutch.engine import ports


def clone_options(original: PodCreateOptions, changes: PodCreateOptions) -> PodCreateOptions:
    """The options of a clone of a pod created with ``original``: ``changes`` holds
    the flags pod clone was given (api/pod_flags.py), as pod create would take them.
    A value given replaces the original's (each limit on its own, as podman's
    "--cpus overrides the original pod's CPU limits"); labels are added, a volume
    replaces the original's at the same container path, the user namespace flags
    replace all of the original's together (clone_userns); sysctls, security
    options, devices and --volumes-from are added to the original's."""
    given = {
        f.name: value
        for f in fields(changes.resources)
        if (value := getattr(changes.resources, f.name)) not in (None, ())
    }
    return replace(
        clone_userns(original, changes),
        labels=original.labels + changes.labels,
        label_files=original.label_files + changes.label_files,  # read before: ()
        # added to the original's, as the labels: a later sysctl of the same name wins
        sysctl=original.sysctl + changes.sysctl,
        security_opt=original.security_opt + changes.security_opt,
        devices=original.devices + changes.devices,
        volumes_from=original.volumes_from + changes.volumes_from,
        pid=changes.pid or original.pid,
        uts=changes.uts or original.uts,
        # the original's file is the original's infra's: only one given is written
        infra_conmon_pidfile=changes.infra_conmon_pidfile,
        volumes=_volumes(original.volumes, changes.volumes),
        hostname=changes.hostname or original.hostname,
        infra_command=changes.infra_command or original.infra_command,
        infra_name=changes.infra_name,  # None: named from the id (the original's is in use)
        shm_size=changes.shm_size or original.shm_size,
        resources=replace(original.resources, **given),
        replace=False,
    )


def _volumes(original: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    from hutch.volumes.specs import parse_volume

    paths = {parse_volume(spec).destination for spec in given}  # refused here if bad
    kept = tuple(spec for spec in original if parse_volume(spec).destination not in paths)
    return kept + given


def clone_userns(original: PodCreateOptions, clone: PodCreateOptions) -> PodCreateOptions:
    """The original pod's options with the clone's user namespace: the original's
    (its maps too) unless the clone names one, which then replaces all of it, since
    an old --userns beside new maps would be refused (or mean another namespace)."""
    maps = clone.uidmap or clone.gidmap or clone.subuidname or clone.subgidname
    if clone.userns is None and not maps:
        return original
    return replace(
        original,
        userns=clone.userns,
        uidmap=clone.uidmap,
        gidmap=clone.gidmap,
        subuidname=clone.subuidname,
        subgidname=clone.subgidname,
    )


def published_ports(options: PodCreateOptions) -> ports.Released:
    """The fixed host ports a pod created with ``options`` publishes (a random one
    is picked afresh for a clone, so it is not among them)."""
    return frozenset(
        (m.host_port, m.protocol)
        for spec in options.publish
        for m in ports.parse_publish(spec)
        if m.host_port
    )

"""``pod clone``: the clone's options, made of the original pod's and the changes given.

``engine/pods.py`` makes the clone (the pod, then each member again in it) and
only then removes the original for ``--destroy``; what it asks of this module
is pure: the options of the new pod, and the host ports the original holds.
"""

from __future__ import annotations

from dataclasses import replace

from hutch.api.pods import PodCreateOptions
from hutch.engine import ports


def clone_options(original: PodCreateOptions, changes: PodCreateOptions) -> PodCreateOptions:
    """The options of a clone of a pod created with ``original``: ``changes`` holds
    the flags pod clone was given (api/pod_flags.py), as pod create would take them."""
    return replace(
        clone_userns(original, changes),
        labels=original.labels + changes.labels,
        hostname=changes.hostname or original.hostname,
        infra_name=None,  # the original's is in use
        replace=False,
    )


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

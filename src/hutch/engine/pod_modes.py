"""A pod's kernel settings: ``pod create --pid``, ``--uts`` and ``--sysctl``, checked
before anything exists, and what they make of a member's options.

The infra holds the pod's namespaces, so these are its settings; a member that
shares the namespace sees them. One exception: the host's namespaces (and one
named by a path) belong to a user namespace the session does not own, so a
member cannot setns() into them through the infra (EPERM, as ``--network
host``); it asks for the same mode itself instead, which is the same namespace.

Also the files a pod's flags name, read or made absolute where the caller
stands (``--label-file``, ``--infra-conmon-pidfile``).
"""

from __future__ import annotations

import os
from dataclasses import replace

from hutch.api.container_config import NamespaceOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.api.pods import PodCreateOptions

# The pod's flag for each namespace a member may take its mode from.
_MODES = ("pid", "uts")


def check(options: PodCreateOptions, shared: tuple[str, ...], infra: bool) -> None:
    """Refuse what the pod's --pid, --uts, --sysctl and infra-only flags cannot do,
    before anything exists (InvalidArgument, exit 125)."""
    from hutch.engine import nsmodes, pod_infra

    if not infra:
        given = (
            ("--pid", options.pid),
            ("--uts", options.uts),
            ("--sysctl", options.sysctl),
            ("--security-opt", options.security_opt),
            ("--infra-conmon-pidfile", options.infra_conmon_pidfile),
        )
        for flag, value in given:
            if value:
                raise InvalidArgument(f"{flag} on a pod needs an infra container")
        return
    if options.pid not in ("", "private") and "pid" not in shared:
        # podman's man page: "Requires the PID namespace to be shared via --share"
        raise InvalidArgument(
            f"--pid {options.pid} needs the pod to share its pid namespace (--share +pid)"
        )
    # the modes' syntax, ns:PATH's path, --hostname beside --uts host, as run's
    infra_like = RunOptions(
        image="",
        hostname=options.hostname,
        namespaces=NamespaceOptions(pid=options.pid, uts=options.uts),
        security=pod_infra.security(options),
    )
    nsmodes.check(infra_like)
    check_sysctls(options.sysctl, shared)


def check_sysctls(values: tuple[str, ...], shared: tuple[str, ...]) -> None:
    """podman's rule: an IPC sysctl needs the pod to share ipc, a net.* one net
    (set in the infra's namespace, a member that does not share it would not see it)."""
    from hutch.runtime import sysctls

    for name, _ in sysctls.parse(values, ("ipc", "net", "uts")):
        ns = sysctls.namespace_of(name)
        if ns not in shared:
            raise InvalidArgument(
                f"--sysctl {name}: the pod does not share its {ns} namespace "
                f"(--share), so no member would see it"
            )


def own_hostname(options: PodCreateOptions, name: str) -> str:
    """The members' host name: --hostname or the pod's name in a UTS namespace of
    the pod's own; "" in the host's or a joined one (its own name stays)."""
    if options.uts not in ("", "private"):
        return options.hostname or ""
    return options.hostname or name


def member_modes(
    options: RunOptions, pod: PodCreateOptions, shared: tuple[str, ...]
) -> tuple[RunOptions, tuple[str, ...]]:
    """A member's options with the pod's host or ns:PATH modes as its own, and the
    namespaces it still joins through the infra."""
    namespaces = options.namespaces
    for ns in _MODES:
        mode = getattr(pod, ns)
        if ns in shared and (mode == "host" or mode.startswith("ns:")):
            namespaces = replace(namespaces, **{ns: mode})
            shared = tuple(s for s in shared if s != ns)
    return replace(options, namespaces=namespaces), shared


def without_modes(
    options: RunOptions, pod: PodCreateOptions, shared: tuple[str, ...]
) -> RunOptions:
    """``member_modes`` undone (pod clone makes the member again in another pod)."""
    _, joined = member_modes(options, pod, shared)
    namespaces = options.namespaces
    for ns in _MODES:
        if ns in shared and ns not in joined and getattr(namespaces, ns) == getattr(pod, ns):
            namespaces = replace(namespaces, **{ns: ""})
    return replace(options, namespaces=namespaces)


def read_files(options: PodCreateOptions) -> PodCreateOptions:
    """``--label-file`` read into the labels (under the --label values, as run's),
    ``--infra-conmon-pidfile`` absolute: the monitor writes it from elsewhere."""
    from hutch.engine.run_flags import check_labels, read_label_file

    if options.label_files:
        labels = tuple(item for path in options.label_files for item in read_label_file(path))
        options = replace(options, labels=labels + options.labels, label_files=())
    check_labels(options.labels)
    if options.infra_conmon_pidfile:
        options = replace(
            options, infra_conmon_pidfile=os.path.abspath(options.infra_conmon_pidfile)
        )
    return options

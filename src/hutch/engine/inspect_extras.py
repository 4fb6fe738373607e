"""The parts of podman's container inspect that come straight from the create flags and
the bundle: ``.HostConfig``'s namespaces, DNS, binds and devices, the capability sets,
the annotations podman derives from the flags, and ``.GraphDriver``."""

from __future__ import annotations

import os
from collections.abc import Sequence

from hutch.api.common import ImageGraphDriver
from hutch.api.container_config import RunOptions
from hutch.api.container_inspect import InspectDevice, InspectHostExtras, InspectIDMappings
from hutch.api.errors import HutchError
from hutch.engine import container_state as cs
from hutch.engine import inspect_binds, nsmodes
from hutch.runtime import state as st
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec import DEFAULT_SHM_SIZE, Spec
from hutch.volumes import specs


def host_extras(
    options: RunOptions, container: cs.Container, spec: Spec | None = None
) -> InspectHostExtras:
    from hutch.engine.netquery import port_bindings
    from hutch.engine.security import parse_device

    devices = []
    for item in options.security.device:
        try:
            device = parse_device(item)
        except HutchError:  # checked at create; a host that changed since shows none
            continue
        devices.append(InspectDevice(device.source, device.destination, device.permissions))
    ns, shm = options.namespaces, options.kernel.shm_size
    ids = _joined_ids(spec)
    pod = pod_joins(spec)

    def mode(flag: str, given: str, default: str = "private") -> str:
        if flag in pod and given in ("", "private"):
            return f"container:{pod[flag]}"  # as podman shows a pod member's
        return nsmodes.inspect_mode(given, ids.get(flag, ""), default=default)

    return InspectHostExtras(
        binds=inspect_binds.binds(options.volumes, container.config.mounts),
        cgroup_mode=mode("cgroupns", ns.cgroupns),
        container_id_file=options.cidfile or "",
        port_bindings=port_bindings(container, container.config.ports),
        volumes_from=options.volumes.volumes_from or None,
        dns=() if options.net.dns == ("none",) else options.net.dns,  # --dns none: no servers
        dns_options=options.net.dns_options,
        dns_search=options.net.dns_search,
        extra_hosts=options.net.add_hosts,
        group_add=options.security.group_add,
        userns_mode=userns_mode(options, mode("userns", options.security.userns or "", default="")),
        id_mappings=id_mappings(options, spec),
        publish_all_ports=options.net.publish_all,
        tmpfs=_tmpfs(options.volumes.tmpfs, options.volumes.mounts),
        devices=tuple(devices),
        ipc_mode=mode("ipc", ns.ipc, default="shareable"),
        oom_score_adj=options.kernel.oom_score_adj or 0,
        pid_mode=mode("pid", ns.pid),
        uts_mode=mode("uts", ns.uts),
        shm_size=DEFAULT_SHM_SIZE if shm is None else nsmodes.shm_size(shm),
        cgroup_conf=cgroup_conf(options, spec),
    )


def cgroup_conf(options: RunOptions, spec: Spec | None) -> dict[str, str] | None:
    """``.HostConfig.CgroupConf``: the files the container's cgroup got when it has
    one, else what --cgroup-conf (and containers.conf) asked for, as the other
    limits show the flags' values without a cgroup (engine/resource_inspect.py)."""
    if spec is not None and spec.resources.has_cgroup:
        return dict(spec.resources.unified) or None
    from hutch.engine.resources import parse_cgroup_conf

    try:
        return dict(parse_cgroup_conf(item) for item in options.resources.cgroup_conf) or None
    except HutchError:  # refused at create; inspect never fails
        return None


def userns_mode(options: RunOptions, shown: str) -> str:
    """``.HostConfig.UsernsMode`` as podman 4.3.1 shows it: "private" for a user
    namespace of the container's own with maps it was given or podman derived
    (--uidmap/--gidmap/--subuidname, keep-id, nomap), "" for auto (whose maps
    its storage chose) and for host, a joined namespace as ``container:ID``."""
    if shown.startswith(("container:", "ns:")):
        return shown
    sec = options.security
    kind = (sec.userns or "").partition(":")[0]
    if kind in ("keep-id", "nomap"):
        return "private"
    if kind in ("auto", "host"):
        return ""
    if not shown and (sec.uidmap or sec.gidmap or sec.subuidname or sec.subgidname):
        return "private"
    return shown


def id_mappings(options: RunOptions, spec: Spec | None = None) -> InspectIDMappings | None:
    """podman's ``.HostConfig.IDMappings``: the maps of the container's user
    namespace, CONTAINER:HOST:SIZE with host ids of the rootless namespace (0 the
    user, 1.. the subordinate range), as podman shows them for --uidmap, keep-id,
    nomap, auto (the range chosen), --subuidname and a pod member (the pod's).
    Absent without a user namespace of the container's own."""
    if spec is not None and spec.userns.enabled:
        userns = spec.userns
        return InspectIDMappings(_map_text(userns.uid_map), _map_text(userns.gid_map))
    sec = options.security
    if not (sec.uidmap or sec.gidmap):
        return None
    # no spec to read (a record without a bundle): the maps as given, one for both
    return InspectIDMappings(sec.uidmap or sec.gidmap, sec.gidmap or sec.uidmap)


def _map_text(entries: Sequence[IdMapEntry]) -> tuple[str, ...]:
    return tuple(f"{e.inside}:{e.outside}:{e.count}" for e in entries)


def _joined_ids(spec: Spec | None) -> dict[str, str]:
    """flag -> the id of the container whose namespace ``--FLAG container:`` joins."""
    flags = {"ipc": "ipc", "uts": "uts", "cgroup": "cgroupns", "pid": "pid"}
    return {flags[ns]: cid for ns, cid in spec.join_ids if cid} if spec is not None else {}


def pod_joins(spec: Spec | None) -> dict[str, str]:
    """flag -> the infra's id, for the namespaces a pod member joins through its pod
    (``Spec.joins`` beside ``join_container``; a member's own joins are in join_ids)."""
    if spec is None or not spec.join_container:
        return {}
    flags = {"ipc": "ipc", "uts": "uts", "cgroup": "cgroupns", "pid": "pid", "user": "userns"}
    own = {ns for ns, _ in spec.join_ids}
    return {flags[ns]: spec.join_container for ns, _ in spec.joins if ns in flags and ns not in own}


def _tmpfs(tmpfs: Sequence[str], mounts: Sequence[str]) -> dict[str, str]:
    """The tmpfs mounts of ``--tmpfs`` and ``--mount type=tmpfs`` as podman's map:
    ``{"/run": "size=64m,rw,rprivate,noexec,nosuid,nodev,tmpcopyup"}``, the words given
    (in ``--tmpfs``'s spelling), then the defaults its create adds. ``noexec`` is
    hutch's own default of ``--tmpfs`` (podman's man page gives it; podman itself
    mounts without it), so it shows only there."""
    given = [(dest, opts.split(","), True) for dest, _, opts in (t.partition(":") for t in tmpfs)]
    for text in mounts:
        try:
            found = specs.tmpfs_mount_words(text)
        except HutchError:  # refused at create: a record never has it
            continue
        if found is not None:
            given.append((*found, False))
    # a Go map: its JSON is in key order
    return {
        dest: ",".join(_tmpfs_options([w for w in words if w], noexec))
        for dest, words, noexec in sorted(given)
    }


# podman's defaults of a tmpfs, in its order, each added unless a word of its pair was
# given (noexec only where hutch mounts with it)
_TMPFS_DEFAULTS = {
    "rw": ("ro", "rw"),
    "rprivate": specs.PROPAGATIONS,
    "noexec": ("noexec", "exec"),
    "nosuid": ("nosuid", "suid"),
    "nodev": ("nodev", "dev"),
    "tmpcopyup": ("tmpcopyup", "notmpcopyup"),
}


def _tmpfs_options(words: list[str], noexec: bool) -> list[str]:
    added = [
        name
        for name, pair in _TMPFS_DEFAULTS.items()
        if not set(words) & set(pair) and (noexec or name != "noexec")
    ]
    return [w for w in words if w != "notmpcopyup"] + added


def podman_annotations(options: RunOptions) -> dict[str, str]:
    """``--annotation`` and those podman records from the flags that are set: since
    podman 4.4 (its PR 16889) a flag's annotation is there only when the flag is,
    "TRUE" (``--rm``, ``--init``, ``--privileged``, ``--publish-all``; "true" for
    ``--tty``); podman 4.3.1 recorded each of them "FALSE" ("false") otherwise too."""
    flags = (
        ("io.kubernetes.cri-o.TTY", options.tty, "true"),
        ("io.podman.annotations.autoremove", options.remove, "TRUE"),
        ("io.podman.annotations.init", bool(options.lifecycle.init), "TRUE"),
        ("io.podman.annotations.privileged", bool(options.security.privileged), "TRUE"),
        ("io.podman.annotations.publish-all", options.net.publish_all, "TRUE"),
    )
    own = {key: value for key, given, value in flags if given}
    # --annotation, under podman's own keys (they win, as in podman); a Go
    # map's JSON is in key order
    given = dict(item.partition("=")[::2] for item in options.annotations)
    merged = given | own
    return {k: merged[k] for k in sorted(merged)}


def capabilities(spec: Spec | None, user: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(effective, bounding): the sets the container's user gets, from its bundle, by
    name (podman's order; the spec has them in the kernel's)."""
    if spec is None:
        return (), ()
    root = user in ("", "0", "root") or user.startswith(("0:", "root:"))
    caps = spec.security.root_capabilities if root else spec.security.user_capabilities
    return tuple(sorted(caps.effective)), tuple(sorted(caps.bounding))


def capability_changes(
    bounding: Sequence[str], options: RunOptions
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(``.HostConfig.CapAdd``, ``.HostConfig.CapDrop``) as current podman shows them: the
    bounding set's capabilities beyond the default set (containers.conf's
    default_capabilities, as recorded at create; every one with --privileged), and the
    default set's missing from it, sorted. podman 4.3.1 compared with the runtime
    tools' older set of 14 (its CapDrop always had AUDIT_WRITE, MKNOD and NET_RAW)."""
    from hutch.linux.caps import DEFAULT_CAPABILITIES, normalize

    if options.security.privileged:
        return (), ()
    given = options.security.default_capabilities
    default = {normalize(n) for n in (DEFAULT_CAPABILITIES if given is None else given)}
    if "CAP_ALL" in default:
        return (), ()
    held = set(bounding)
    return tuple(n for n in bounding if n not in default), tuple(sorted(default - held))


def graph_driver(container: cs.Container, lower: Sequence[str]) -> ImageGraphDriver:
    """podman's ``.GraphDriver``: the image's layers (top first) under the container's
    upper and work dirs; vfs has only the copied tree."""
    dirs = container.dirs
    if container.config.driver == "vfs":
        return ImageGraphDriver("vfs", {"Dir": os.fspath(dirs.merged)})
    data = {"UpperDir": os.fspath(dirs.upper), "WorkDir": os.fspath(dirs.work)}
    # podman names the merged dir only while the container's root is mounted there:
    # for hutch's containers, while they run
    if container.state.status in st.LIVE:
        data = {"MergedDir": os.fspath(dirs.merged), **data}
    if lower:
        data = {"LowerDir": ":".join(lower), **data}
    return ImageGraphDriver(container.config.driver or "overlay", data)

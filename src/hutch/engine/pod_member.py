"""A container in a pod (``run --pod``): its options checked against the pod, its
spec joining the infra's namespaces, and those paths renewed at each start.

The network is joined as ``container:INFRA`` (``engine/networks.py`` renews
that path); ipc, uts, cgroup and pid through ``Spec.joins`` (the pid
namespace by the member's monitor, ``runtime/pidshare.py``). A member publishes
no port and configures no network of its own: the pod's infra holds them,
and the member's /etc/hosts and /etc/resolv.conf are the infra's files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.engine.nsmodes import modes
from hutch.runtime import etcfiles
from hutch.runtime.spec import PodHosts, Spec
from hutch.runtime.spec_io import spec_from_json, spec_to_json
from hutch.runtime.spec_userns import UsernsSpec
from hutch.store.containers import ContainerDirs, ContainerRecord

# A pod's record (engine/pod_record.py, api/pods.py and their dataclasses) loads only
# for a pod's member: every run and start asks this module whether it has a pod.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from hutch.api.pods import PodCreateOptions
    from hutch.engine.pod_record import PodConfig

# The namespaces a member joins through Spec.joins (net goes through the network)
JOINABLE = ("cgroup", "ipc", "uts", "pid")
_NET_SHARED = "invalid config provided: network cannot be configured when it is shared with a pod"


@dataclass(frozen=True)
class Membership:
    pod_id: str
    infra_id: str  # "" for a pod without an infra
    shared: tuple[str, ...]
    # on the pod's own network (not the host's): members are listed by name in
    # the pod's /etc/hosts while they run
    lists_names: bool = False
    # the pod's --userns when it has a user namespace (the infra's); "private" for
    # one made from id maps (pod create --uidmap, --subuidname)
    userns: str = ""


def join_options(ctx: EngineContext, options: RunOptions) -> tuple[RunOptions, Membership | None]:
    """``options`` of a member of ``options.pod``, refused where they clash with the pod."""
    if not options.pod:
        return options, None
    try:
        pod = ctx.pods.find(options.pod)
    except NoSuchObject as exc:
        raise InvalidArgument(str(exc)) from exc
    from hutch.engine import pod_record

    config = pod_record.decode(pod.config)
    shared = config.shared if pod.infra_id else ()
    net = options.net
    if "net" in shared:
        if net.publish or net.publish_all:
            raise InvalidArgument(
                "invalid config provided: published or exposed ports must be defined when the "
                "pod is created: network cannot be configured when it is shared with a pod"
            )
        if (
            options.network
            or net.ip
            or net.ip6
            or net.mac_address
            or net.aliases
            or net.add_hosts
            or net.dns
            or net.dns_search
            or net.dns_options
            or net.no_hosts
        ):
            raise InvalidArgument(_NET_SHARED)
        # The host's network namespace belongs to the host's user namespace: a
        # member cannot setns() into it through the infra, but is on it as well
        # by asking for it itself.
        on_host = config.options.network == "host"
        options = replace(options, network="host" if on_host else f"container:{pod.infra_id}")
        if config.options.no_hosts:  # pod create --no-hosts: none for its members either
            options = replace(options, net=replace(options.net, no_hosts=True))
    for flag, mode in modes(options.namespaces):
        if mode not in ("", "private") and flag.removesuffix("ns") in shared:
            raise InvalidArgument(
                f"invalid config provided: --{flag} {mode} cannot be used when the pod "
                f"shares the {flag.removesuffix('ns')} namespace"
            )
    if "uts" in shared:
        if options.hostname:
            raise InvalidArgument(
                "invalid config provided: cannot set hostname when joining the pod UTS namespace"
            )
        if options.domainname:
            raise InvalidArgument(
                "invalid config provided: cannot set domainname when joining the pod UTS namespace"
            )
        options = replace(options, hostname=config.hostname or None)
    userns = members_userns(config.options) if pod.infra_id else ""
    refuse_own_userns(options, shared, bool(userns))
    pod_options = config.options
    if not options.restart and pod_options.restart:  # its own, even "no", wins
        options = replace(options, restart=pod_options.restart)
    if pod_options.volumes or pod_options.volumes_from:
        volumes = replace(
            options.volumes,
            volumes=pod_volumes(ctx, pod.infra_id, pod_options.volumes) + options.volumes.volumes,
            volumes_from=pod_options.volumes_from + options.volumes.volumes_from,
        )
        options = replace(options, volumes=volumes)
    if pod_options.devices:  # podman's: every member gets the pod's devices
        security = replace(options.security, device=pod_options.devices + options.security.device)
        options = replace(options, security=security)
    from hutch.engine.pod_modes import member_modes

    options, shared = member_modes(options, pod_options, shared)
    from hutch.engine import pod_cgroup

    options = replace(options, resources=pod_cgroup.member_resources(config, options.resources))
    lists_names = "net" in shared and config.options.network != "host"
    return options, Membership(pod.id, pod.infra_id, shared, lists_names, userns or "")


def pod_volumes(ctx: EngineContext, infra_id: str, given: tuple[str, ...]) -> tuple[str, ...]:
    """The pod's ``-v`` as a member takes them: an anonymous volume is the one the
    infra made for it, by name, so that every member mounts that one volume, as
    podman's members (which take the infra's mounts) do."""
    if not infra_id or all(":" in spec for spec in given):
        return given
    infra = cs.config_of(cs.find(ctx, infra_id))
    return named_anonymous(given, {m.destination: m.name for m in infra.mounts if m.name})


def named_anonymous(given: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    """``given`` with each anonymous volume (``-v DEST``) named ``names[DEST]``; one
    not in ``names`` (an infra made before it had the pod's volumes) as given."""
    from hutch.volumes.specs import parse_volume

    out = []
    for spec in given:
        request = parse_volume(spec)
        name = names.get(request.destination) if not request.source else None
        out.append(f"{name}:{spec}" if name else spec)
    return tuple(out)


def _destinations(specs: tuple[str, ...]) -> tuple[str, ...]:
    from hutch.volumes.specs import parse_volume

    return tuple(parse_volume(spec).destination for spec in specs)


def has_userns(options: PodCreateOptions) -> bool:
    """Whether the pod has a user namespace of its own (a mode, or id maps)."""
    return pod_userns(options.userns) or bool(id_maps(options))


def id_maps(options: PodCreateOptions) -> tuple[str, ...]:
    """The pod's --uidmap, --gidmap, --subuidname and --subgidname, as given."""
    names = (options.subuidname or "", options.subgidname or "")
    return (*options.uidmap, *options.gidmap, *filter(None, names))


def members_userns(options: PodCreateOptions) -> str:
    """What a member's --userns becomes in this pod ("" when it has no namespace of
    its own): the pod's mode (keep-id's user), or "private" for the pod's maps,
    which the member takes from the infra's spec."""
    if pod_userns(options.userns):
        return options.userns or ""
    return "private" if id_maps(options) else ""


def pod_userns(text: str | None) -> bool:
    """Whether a pod's ``--userns`` gives it a user namespace of its own, which
    its infra makes and every member joins (host, or none: the session's)."""
    return (text or "") not in ("", "host")


def refuse_own_userns(options: RunOptions, shared: tuple[str, ...], pod_userns: bool) -> None:
    """A member with a user namespace of its own cannot join the pod's pid
    namespace: that belongs to the pod's user namespace, over which the
    member's init could not mount its /proc; nor can it be in two user
    namespaces when the pod has one. (podman refuses ``--userns`` in every
    pod, in these words.)"""
    sec = options.security
    maps = sec.uidmap or sec.gidmap or sec.subuidname or sec.subgidname
    if ("pid" in shared or pod_userns) and (sec.userns not in (None, "", "host") or maps):
        raise InvalidArgument("--userns and --pod cannot be set together")


def infra_userns(ctx: EngineContext, member: Membership) -> UsernsSpec | None:
    """The pod's user namespace (the infra's maps), which the member joins; None
    when the pod has none."""
    if not member.userns or not member.infra_id:
        return None
    from hutch.engine.userns_plan import recorded_userns  # with --userns only

    return recorded_userns(ctx, member.infra_id)


def own_options(options: RunOptions, pod: PodConfig) -> RunOptions:
    """A member's recorded options without what ``join_options`` took from its pod
    (``pod clone`` makes the member again in another pod)."""
    if "net" in pod.shared:
        options = replace(options, network="")
    if "uts" in pod.shared:
        options = replace(options, hostname=None)
    from hutch.engine.pod_cgroup import member_parent

    if pod.cgroup_path and options.resources.cgroup_parent == member_parent(pod):
        options = replace(options, resources=replace(options.resources, cgroup_parent=None))
    given = pod.options.volumes
    if given and _destinations(options.volumes.volumes[: len(given)]) == _destinations(given):
        # by their paths: an anonymous one is named after the infra's (pod_volumes)
        volumes = replace(options.volumes, volumes=options.volumes.volumes[len(given) :])
        options = replace(options, volumes=volumes)
    given = pod.options.volumes_from
    if given and options.volumes.volumes_from[: len(given)] == given:
        volumes = replace(options.volumes, volumes_from=options.volumes.volumes_from[len(given) :])
        options = replace(options, volumes=volumes)
    given = pod.options.devices
    if given and options.security.device[: len(given)] == given:
        security = replace(options.security, device=options.security.device[len(given) :])
        options = replace(options, security=security)
    from hutch.engine.pod_modes import without_modes

    return without_modes(options, pod.options, pod.shared)


def stops_pod(ctx: EngineContext, record: ContainerRecord) -> bool:
    """A member (not the infra) of a pod made with ``--exit-policy stop``."""
    if not record.pod_id:
        return False
    pod = ctx.pods.get(record.pod_id)
    if pod is None or pod.infra_id in ("", record.id):
        return False
    from hutch.engine import pod_record

    return pod_record.decode(pod.config).exit_policy == "stop"


def member_spec(
    spec: Spec, member: Membership, infra_dirs: ContainerDirs | None, name: str
) -> Spec:
    """``spec`` joining the pod's namespaces instead of making its own."""
    joins = tuple(ns for ns in member.shared if ns in JOINABLE)
    namespaces = tuple(ns for ns in spec.namespaces if ns not in joins)
    if member.userns:
        # first: the other namespaces of the pod belong to it (runtime/userns.py)
        joins = ("user", *joins)
    etc_files = spec.etc_files
    pod_hosts = PodHosts()
    if "net" in member.shared and infra_dirs is not None:
        shared_files = {
            dest: str(infra_dirs.userdata / os.path.basename(dest))
            for dest in ("/etc/hosts", "/etc/resolv.conf")
            if (infra_dirs.userdata / os.path.basename(dest)).exists()
        }
        etc_files = tuple((dest, shared_files.get(dest, src)) for dest, src in etc_files)
        if member.lists_names and "/etc/hosts" in shared_files:
            pod_hosts = PodHosts(shared_files["/etc/hosts"], name)
    return replace(
        spec,
        namespaces=namespaces,
        # the pod's (their paths: before_start), then the member's own ns:PATH or
        # container:NAME joins (nsmodes.apply; a pod's --uts/--pid host or ns:PATH)
        joins=tuple((ns, "") for ns in joins) + spec.joins,
        join_container=member.infra_id if joins else "",
        etc_files=etc_files,
        pod_hosts=pod_hosts,
        # podman's: in a pod that shares its IPC namespace the members share its
        # /dev/shm too, the infra's (pod create --shm-size); before_start names
        # the infra's mount namespace it is cloned from
        shm="" if "ipc" in joins else spec.shm,
    )


def link_shared_files(spec: Spec, member: Membership, userdata: Path) -> Spec:
    """In a pod with a user namespace of its own, the pod's /etc/hosts and
    /etc/resolv.conf as hard links in the member's own directory.

    Where the pod's maps leave the user unmapped (``--uidmap 0:1:N``, nomap,
    auto), the member's init cannot search the infra's directory (the user's,
    mode 0700) and reaches its own files only through its working directory
    (runtime/userns.py). A hard link is the same file, which the pod updates
    in place (etcfiles.list_pod_members), as a bind mount of it would be."""
    if not member.userns:
        return spec
    infra = {
        dest: src
        for dest, src in spec.etc_files
        if dest in ("/etc/hosts", "/etc/resolv.conf") and not src.startswith(f"{userdata}/")
    }
    if not infra:
        return spec
    linked = {}
    for dest, src in infra.items():
        link = userdata / f"pod-{os.path.basename(dest)}"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        try:
            os.link(src, link)
        except OSError:
            continue  # on another filesystem: the path stays (a user it maps reaches it)
        linked[dest] = str(link)
    pod_hosts = spec.pod_hosts
    if pod_hosts.path and "/etc/hosts" in linked:
        pod_hosts = replace(pod_hosts, path=linked["/etc/hosts"])
    etc = tuple((dest, linked.get(dest, src)) for dest, src in spec.etc_files)
    return replace(spec, etc_files=etc, pod_hosts=pod_hosts)


def before_start(
    ctx: EngineContext, record: ContainerRecord, infra_id: str, infra_pid: int
) -> None:
    """Before a member starts: the infra's namespaces by its current pid, and the
    member's name listed in the pod's /etc/hosts beside the running members'."""
    path = ctx.containers.dirs(record.id).userdata / "config.json"
    spec = spec_from_json(path.read_bytes())
    if spec.joins:
        # the pod's namespaces only: the member's own --ipc/--uts/--cgroupns joins
        # (ns:PATH, container:NAME) are listed in join_ids
        own = dict(spec.join_ids)
        joins = tuple(
            (ns, old if ns in own else f"/proc/{infra_pid}/ns/{ns}") for ns, old in spec.joins
        )
        shm = spec.shm
        if "ipc" in dict(joins) and "ipc" not in own and shm not in ("private", "none"):
            shm = f"/proc/{infra_pid}/ns/mnt"  # the infra's /dev/shm (member_spec)
        tmp = path.with_name(".config.json.pod")
        tmp.write_bytes(spec_to_json(replace(spec, joins=joins, shm=shm)))
        os.replace(tmp, path)
    if spec.pod_hosts.path:
        others = [
            o for o in ctx.containers.of_pod(record.pod_id) if o.id not in (infra_id, record.id)
        ]
        running = {o.name for o in others if cs.load(ctx, o, lenient=True).running}
        etcfiles.list_pod_members(
            spec.pod_hosts.path,
            [spec.pod_hosts.name],
            gone=[o.name for o in others if o.name not in running],
        )

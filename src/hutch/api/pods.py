"""Pods: the options, reports and protocol of the ``pod`` verbs.

A pod is a group of containers that share namespaces (by default net, ipc
and uts, as Kubernetes and podman do) held open by its *infra* container.
Containers join a pod with ``RunOptions.pod`` (``run --pod NAME``); ports are
published on the pod, never on a member.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hutch.api.common import PruneReport
from hutch.api.container_config import ResourceOptions
from hutch.api.containers import (
    ActionReport,
    InspectDeviceRate,
    InspectDeviceWeight,
    InspectMount,
    LogLine,
    StatsReport,
    TopReport,
)

# re-exported: pod ps's classes live apart so that listing pods loads none of the rest
from hutch.api.pod_list import ListPodsOptions as ListPodsOptions
from hutch.api.pod_list import PodMember as PodMember
from hutch.api.pod_list import PodSummary as PodSummary
from hutch.api.podman_json import inline, key

# podman's default --share, Kubernetes' pod namespaces
# A member made from a Kubernetes initContainer (``kube play``): ``pod start`` runs
# it, one at a time in creation order and to completion, before the others.
INIT_CONTAINER_LABEL = "io.hutch.kube.init-container"
DEFAULT_SHARE = ("ipc", "net", "uts")
SHAREABLE = ("cgroup", "ipc", "net", "pid", "uts")


@dataclass(frozen=True)
class PodCreateOptions:
    """``pod create`` (and ``run --pod new:NAME``, ``kube play``)."""

    name: str | None = None  # None: a generated name
    publish: tuple[str, ...] = ()  # -p, published by the infra container
    network: str = ""  # "" the default network; none, host, private, NET[,NET]
    # None: DEFAULT_SHARE; "" shares nothing (and makes no infra unless infra=True
    # was asked for); "+pid" adds to the default; "net,pid" replaces it
    share: str | None = None
    share_parent: bool = True  # members' cgroups below the pod's (where cgroups exist)
    infra: bool | None = None  # None: an infra exists when something is shared
    infra_command: str | None = None  # the infra's command (a JSON array or one word)
    # --infra-image: the infra's image (pulled if missing); None: hutch's pause image
    infra_image: str | None = None
    infra_name: str | None = None  # default: the first 12 of the pod id + "-infra"
    hostname: str | None = None  # default: the pod's name
    add_hosts: tuple[str, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    no_hosts: bool | None = None  # None: no flag (containers.conf's no_hosts decides)
    # the infra's address and names on the pod's network (the members share them)
    ip: str | None = None
    ip6: str | None = None
    mac_address: str | None = None  # on the first network (as run's --mac-address)
    network_aliases: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # KEY=VALUE
    # --label-file: read into ``labels`` (under the --label values) by create, so
    # that the record holds the labels, not paths
    label_files: tuple[str, ...] = ()
    exit_policy: str = "continue"  # continue, or stop: the pod stops when its last member exits
    restart: str = ""  # the members' restart policy when they name none ("" podman's "no")
    volumes: tuple[str, ...] = ()  # -v given to every member
    userns: str | None = None  # --userns of the pod (the infra and its members)
    # --uidmap/--gidmap CONTAINER:HOST:SIZE, --subuidname/--subgidname NAME: the
    # pod's user namespace with these maps (the infra's, which the members join)
    uidmap: tuple[str, ...] = ()
    gidmap: tuple[str, ...] = ()
    subuidname: str | None = None
    subgidname: str | None = None
    shm_size: str | None = None  # the infra's /dev/shm, which members sharing ipc share
    # --pid and --uts of the pod: its infra's mode ("" private; host, ns:PATH,
    # container:NAME), which members sharing that namespace take (engine/pod_member.py)
    pid: str = ""
    uts: str = ""
    # --sysctl NAME=VALUE: set in the infra's namespaces, which the members share
    sysctl: tuple[str, ...] = ()
    security_opt: tuple[str, ...] = ()  # the infra's, as podman's (members keep their own)
    # --device and --volumes-from: the infra's, and every member's before its own
    devices: tuple[str, ...] = ()
    volumes_from: tuple[str, ...] = ()
    # podman's --infra-conmon-pidfile: the infra monitor's pid is written there
    infra_conmon_pidfile: str | None = None
    resources: ResourceOptions = field(default_factory=ResourceOptions)
    create_command: tuple[str, ...] = ()  # the command line, "hutch" first (CreateCommand)
    replace: bool = False  # --replace: a pod of the same name goes first


@dataclass(frozen=True)
class PodRemoveOptions:
    force: bool = False  # stop running members first
    all: bool = False
    ignore: bool = False  # a missing pod is no error
    timeout: int | None = None  # the members' stop timeout (-t)


@dataclass(frozen=True)
class PodStopOptions:
    """``pod stop`` and ``pod restart``."""

    timeout: int | None = None
    all: bool = False
    ignore: bool = False


@dataclass(frozen=True)
class PodKillOptions:
    signal: str = "KILL"
    all: bool = False


@dataclass(frozen=True)
class PodSelectOptions:
    """``pod start``, ``pause``, ``unpause``: which pods."""

    all: bool = False


@dataclass(frozen=True)
class PodLogsOptions:
    name: str
    container: str | None = None  # -c: only this member
    follow: bool = False
    tail: int | None = None
    since: str | None = None
    until: str | None = None
    timestamps: bool = False


@dataclass(frozen=True)
class PodCloneOptions:
    """``pod clone``: its own switches, and the flags it shares with pod create."""

    destroy: bool = False  # remove the original (stopped first)
    start: bool = False  # start the clone
    # the flags of pod create that pod clone takes (api/pod_flags.py), as given: the
    # clone's name (None: POD-clone), and changes to the original's options, laid
    # over them by engine/pod_clone.py (labels added, a volume replacing the one at
    # its path, the user namespace flags replacing all of the original's together)
    changes: PodCreateOptions = field(default_factory=PodCreateOptions)


@dataclass(frozen=True)
class PodLogLine:
    """One line of ``pod logs``: the member it came from, and the line."""

    container_id: str
    container_name: str
    line: LogLine


@dataclass(frozen=True)
class PodStatsReport:
    pod_id: str
    pod_name: str
    stats: StatsReport


@dataclass(frozen=True)
class PodPortBinding:
    host_ip: str = field(metadata=key("HostIp"))
    host_port: str = field(metadata=key("HostPort"))


@dataclass(frozen=True)
class PodInfraConfig:
    """``.InfraConfig`` of pod inspect: the network side, kept by the infra."""

    port_bindings: dict[str, tuple[PodPortBinding, ...]] = field(metadata=key("PortBindings"))
    host_network: bool = field(metadata=key("HostNetwork"))
    static_ip: str = field(metadata=key("StaticIP"))
    static_mac: str = field(metadata=key("StaticMAC"))
    no_manage_resolv_conf: bool = field(metadata=key("NoManageResolvConf"))
    dns_server: tuple[str, ...] | None = field(metadata=key("DNSServer"))
    dns_search: tuple[str, ...] | None = field(metadata=key("DNSSearch"))
    dns_option: tuple[str, ...] | None = field(metadata=key("DNSOption"))
    no_manage_hosts: bool = field(metadata=key("NoManageHosts"))
    host_add: tuple[str, ...] | None = field(metadata=key("HostAdd"))
    networks: tuple[str, ...] | None = field(metadata=key("Networks"))
    network_options: dict[str, Any] | None = field(metadata=key("NetworkOptions"))
    # the pod's CPU limits, repeated here as podman does (left out when not set)
    cpu_period: int | None = field(default=None, metadata=key("cpu_period", True))
    cpu_quota: int | None = field(default=None, metadata=key("cpu_quota", True))
    cpuset_cpus: str | None = field(default=None, metadata=key("cpuset_cpus", True))
    pid_ns: str = field(default="private", metadata=key("pid_ns"))
    userns: str = field(default="host", metadata=key("userns"))
    uts_ns: str = field(default="private", metadata=key("uts_ns"))


@dataclass(frozen=True)
class PodLimits:
    """The pod-level limits of ``pod inspect`` (podman's keys, each left out when
    not set), in podman 4.3.1's order. The infra's mounts and the pod's
    --volumes-from and --security-opt are no limits, but podman prints them among
    these keys, so they are filled in here (``pods._inspect``) to print in its order."""

    cpu_period: int | None = field(default=None, metadata=key("cpu_period", True))
    cpu_quota: int | None = field(default=None, metadata=key("cpu_quota", True))
    cpu_shares: int | None = field(default=None, metadata=key("cpu_shares", True))
    cpuset_cpus: str | None = field(default=None, metadata=key("cpuset_cpus", True))
    cpuset_mems: str | None = field(default=None, metadata=key("cpuset_mems", True))
    # the infra container's mounts: what -v and --volumes-from gave it
    mounts: tuple[InspectMount, ...] | None = field(default=None, metadata=key("mounts", True))
    device_read_bps: tuple[InspectDeviceRate, ...] | None = field(
        default=None, metadata=key("device_read_bps", True)
    )
    # pod create --volumes-from and --security-opt, as given
    volumes_from: tuple[str, ...] | None = field(default=None, metadata=key("volumes_from", True))
    security_opt: tuple[str, ...] | None = field(default=None, metadata=key("security_opt", True))
    memory_limit: int | None = field(default=None, metadata=key("memory_limit", True))
    memory_swap: int | None = field(default=None, metadata=key("memory_swap", True))
    blkio_weight: int | None = field(default=None, metadata=key("blkio_weight", True))
    blkio_weight_device: tuple[InspectDeviceWeight, ...] | None = field(
        default=None, metadata=key("blkio_weight_device", True)
    )
    device_write_bps: tuple[InspectDeviceRate, ...] | None = field(
        default=None, metadata=key("device_write_bps", True)
    )


@dataclass(frozen=True)
class PodInspect:
    """``pod inspect``, in podman's key order (``api/podman_json.to_json``)."""

    id: str = field(metadata=key("Id"))
    name: str = field(metadata=key("Name"))
    created: str = field(metadata=key("Created"))  # RFC 3339 with nanoseconds
    create_command: tuple[str, ...] = field(metadata=key("CreateCommand"))
    exit_policy: str = field(metadata=key("ExitPolicy"))
    state: str = field(metadata=key("State"))
    hostname: str = field(metadata=key("Hostname"))
    labels: dict[str, str] = field(metadata=key("Labels", omitempty=True))  # as podman's
    create_cgroup: bool = field(metadata=key("CreateCgroup"))
    cgroup_parent: str = field(metadata=key("CgroupParent"))
    cgroup_path: str = field(metadata=key("CgroupPath"))
    create_infra: bool = field(metadata=key("CreateInfra"))
    infra_container_id: str = field(metadata=key("InfraContainerID"))
    infra_config: PodInfraConfig | None = field(metadata=key("InfraConfig"))
    shared_namespaces: tuple[str, ...] = field(metadata=key("SharedNamespaces"))
    num_containers: int = field(metadata=key("NumContainers"))
    containers: tuple[PodMember, ...] = field(metadata=key("Containers"))
    # the limits, and the mounts, --volumes-from and --security-opt among them
    limits: PodLimits = field(default_factory=PodLimits, metadata=inline())


class Pods(Protocol):
    """``engine.pods``: each verb on several pods answers one report per pod."""

    def create(self, options: PodCreateOptions) -> str: ...

    def exists(self, name: str) -> bool: ...

    def spec(self, name: str, new_name: bool = True) -> dict[str, Any]:
        """``generate spec`` of a pod: its create options as JSON, podman's
        PodSpecGenerator keys where they map; ``new_name`` as ``Containers.spec``'s."""
        ...

    def ls(self, options: ListPodsOptions) -> list[PodSummary]: ...

    def inspect(self, names: Sequence[str]) -> list[PodInspect]: ...

    def remove(self, names: Sequence[str], options: PodRemoveOptions) -> list[ActionReport]: ...

    def start(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]: ...

    def stop(self, names: Sequence[str], options: PodStopOptions) -> list[ActionReport]: ...

    def restart(self, names: Sequence[str], options: PodStopOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], options: PodKillOptions) -> list[ActionReport]: ...

    def prune(self) -> list[PruneReport]: ...

    def pause(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]: ...

    def unpause(self, names: Sequence[str], options: PodSelectOptions) -> list[ActionReport]: ...

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport: ...

    def stats(self, names: Sequence[str], options: PodSelectOptions) -> list[PodStatsReport]: ...

    def logs(self, options: PodLogsOptions) -> Iterator[PodLogLine]: ...

    def clone(self, name: str, options: PodCloneOptions) -> str: ...


def read_pod_id_file(path: str) -> str:
    """A pod's id, from the file ``pod create --pod-id-file`` wrote (``run --pod-id-file``,
    ``pod start|stop|rm --pod-id-file``), with podman's words when it cannot be read."""
    from hutch.api.errors import InvalidArgument

    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(f"reading pod ID file: open {path}: {reason}") from None

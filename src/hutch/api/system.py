"""The system: host facts, ``info`` and the store-wide verbs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from hutch.api.common import PruneReport
from hutch.api.events import Event, EventsOptions

if TYPE_CHECKING:
    # an annotation only: the API service joins the session through engine.system
    # before its first answer, and the container types are a third of its start-up
    from hutch.api.containers import ActionReport


@dataclass(frozen=True)
class HostFact:
    name: str
    value: str
    ok: bool
    fix: str = ""


@dataclass(frozen=True)
class IdMap:
    container_id: int
    host_id: int
    size: int


@dataclass(frozen=True)
class ToolInfo:
    """A helper program as podman's info describes it (conmon)."""

    path: str
    package: str
    version: str


@dataclass(frozen=True)
class CpuUsage:
    user_percent: float
    system_percent: float
    idle_percent: float


@dataclass(frozen=True)
class HostInfo:
    """What podman's ``info`` reports under ``host`` (for scripts: ``.Host.Arch``)."""

    arch: str  # Go's name: amd64, arm64
    os: str
    kernel: str
    hostname: str
    cpus: int
    mem_total: int
    mem_free: int
    swap_total: int
    swap_free: int
    uptime: str  # podman's form: "0h 38m 13.00s"
    distribution: str
    distribution_version: str
    codename: str
    cgroup_manager: str  # systemd, cgroupfs or disabled
    cgroup_version: str  # v1 or v2 (v1 also for hybrid hosts, as podman says)
    cgroup_controllers: tuple[str, ...]
    oci_runtime: str
    oci_runtime_path: str
    network_backend: str
    slirp4netns: str  # path, "" when missing
    pasta: str  # path, "" when missing
    rootless: bool
    uid_map: tuple[IdMap, ...]
    gid_map: tuple[IdMap, ...]
    log_driver: str
    # podman's conmon: hutch's per-container monitor (python -m hutch.runtime.monitor),
    # the interpreter that runs it, the package that ships it and its version line
    conmon: ToolInfo = field(default_factory=lambda: ToolInfo("", "", ""))
    oci_runtime_package: str = ""
    oci_runtime_version: str = ""
    slirp4netns_version: str = ""  # its --version text, "" when missing
    pasta_version: str = ""
    # /proc/stat's share of user, system and idle time since boot, in percent
    cpu_utilization: CpuUsage = field(default_factory=lambda: CpuUsage(0.0, 0.0, 0.0))
    # the capabilities a container gets (containers.conf's, else podman's), CAP_X,CAP_Y
    default_capabilities: str = ""


@dataclass(frozen=True)
class StoreInfo:
    """What podman's ``info`` reports under ``store`` (``.Store.GraphRoot``)."""

    config_file: str
    graph_driver: str
    graph_root: str
    run_root: str
    volume_path: str
    images: int
    containers: int
    running: int
    paused: int
    stopped: int
    # podman's graphRootAllocated/graphRootUsed: the size and the used bytes of the
    # filesystem that holds graph_root (statfs)
    graph_root_allocated: int = 0
    graph_root_used: int = 0


@dataclass(frozen=True)
class InfoReport:
    version: str
    facts: tuple[HostFact, ...] = field(default_factory=tuple)
    host: HostInfo | None = None
    store: StoreInfo | None = None
    search_registries: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckOptions:
    """``system check``: ``repair`` removes what is safe to remove; ``force`` also
    removes containers on damaged images; ``max_age`` (a Go duration) treats a stored
    layer that no image records and that is older as left by a killed pull even
    when the process that stored it still lives."""

    repair: bool = False
    force: bool = False
    max_age: str | None = None


@dataclass(frozen=True)
class CheckFinding:
    """One problem: ``kind`` is what is damaged (layer, blob, image, container,
    temp, socket), ``name`` which one, ``problem`` what is wrong with it."""

    kind: str
    name: str
    problem: str


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[CheckFinding, ...] = ()
    removed: tuple[CheckFinding, ...] = ()  # what ``repair`` deleted


@dataclass(frozen=True)
class DiskUsage:
    """One line of ``system df``: a kind of object, how many, how many in use,
    their bytes and the bytes a prune would free."""

    type: str  # Images, Containers, Local Volumes (podman's words)
    total: int
    active: int
    size: int
    reclaimable: int


@dataclass(frozen=True)
class ImageUsage:
    id: str
    names: tuple[str, ...]
    created: float
    size: int
    shared_size: int  # bytes of layers that other images use too
    unique_size: int
    containers: int


@dataclass(frozen=True)
class ContainerUsage:
    id: str
    image_id: str
    command: str
    local_volumes: int
    size: int  # the writable layer
    created: float
    status: str
    name: str


@dataclass(frozen=True)
class VolumeUsage:
    name: str
    links: int
    size: int


@dataclass(frozen=True)
class DiskUsageReport:
    summary: tuple[DiskUsage, ...]
    images: tuple[ImageUsage, ...] = ()
    containers: tuple[ContainerUsage, ...] = ()
    volumes: tuple[VolumeUsage, ...] = ()


@dataclass(frozen=True)
class SystemPruneOptions:
    """``system prune``: ``all`` images no container uses (not only dangling ones),
    unused ``volumes`` too; ``filters`` (until=, label=, label!=) choose among the
    containers, networks, volumes and images, as podman's do."""

    all: bool = False
    volumes: bool = False
    filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class SystemPruneReport:
    """What each prune removed, in podman's order (an entry with ``error`` stayed)."""

    pods: tuple[PruneReport, ...]
    containers: tuple[ActionReport, ...]
    networks: tuple[PruneReport, ...]
    volumes: tuple[PruneReport, ...]
    images: tuple[PruneReport, ...]


@dataclass(frozen=True)
class AutoUpdateOptions:
    """``auto-update``: ``dry_run`` checks without pulling or restarting; ``rollback``
    restarts a unit that failed on its new image with the image it had before;
    ``authfile`` and ``tls_verify`` are for the registries (a container's
    ``io.containers.autoupdate.authfile`` label wins, as in podman)."""

    dry_run: bool = False
    rollback: bool = True
    authfile: str | None = None
    tls_verify: bool | None = None  # None: verify unless registries.conf says insecure


@dataclass(frozen=True)
class AutoUpdateReport:
    """One container of an auto-update; ``updated``: podman's true, false, pending
    (dry run), failed or rolled back."""

    unit: str
    container_id: str
    container_name: str
    image: str  # the name the container was created from
    policy: str  # registry or local
    updated: str


@dataclass(frozen=True)
class AutoUpdateResult:
    """The reports, and the errors met on the way (podman prints both, then exits 125)."""

    reports: tuple[AutoUpdateReport, ...] = ()
    errors: tuple[str, ...] = ()


class System(Protocol):
    """``engine.system``: the host, the user namespace and the whole store."""

    def info(self) -> InfoReport: ...

    def unshare(self, command: Sequence[str], *, rootless_netns: bool = False) -> int: ...

    def migrate(self) -> bool: ...

    def reset(self) -> None: ...

    def check(self, options: CheckOptions) -> CheckReport: ...

    def df(self) -> DiskUsageReport: ...

    def prune(self, options: SystemPruneOptions) -> SystemPruneReport: ...

    def events(self, options: EventsOptions) -> Iterator[Event]: ...

    def auto_update(self, options: AutoUpdateOptions) -> AutoUpdateResult: ...

    def enter_session(self) -> None:
        """Join the session user namespace now (a threaded server must, before its
        first thread: ``setns`` of a user namespace needs a single-threaded process)."""

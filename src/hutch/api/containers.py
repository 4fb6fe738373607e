"""Containers: the options, reports and protocol of the container verbs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

# re-exported: the life cycle's options and reports live apart so that create, run,
# stop and rm load none of the rest
from hutch.api.container_actions import ActionReport as ActionReport
from hutch.api.container_actions import CleanupOptions as CleanupOptions
from hutch.api.container_actions import KillOptions as KillOptions
from hutch.api.container_actions import RemoveContainerOptions as RemoveContainerOptions
from hutch.api.container_actions import RunReport as RunReport
from hutch.api.container_actions import StartOptions as StartOptions
from hutch.api.container_actions import StopOptions as StopOptions
from hutch.api.container_actions import WaitOptions as WaitOptions
from hutch.api.container_config import ResourceOptions, RunOptions

# re-exported: exec's two classes live apart so that exec loads none of the rest
from hutch.api.container_exec import ExecOptions as ExecOptions
from hutch.api.container_exec import ExecReport as ExecReport

# re-exported: inspect's report lives apart so that inspect loads none of the rest
from hutch.api.container_inspect import GO_ZERO_TIME as GO_ZERO_TIME
from hutch.api.container_inspect import ContainerInspect as ContainerInspect
from hutch.api.container_inspect import InspectConfig as InspectConfig
from hutch.api.container_inspect import InspectDevice as InspectDevice
from hutch.api.container_inspect import InspectDeviceRate as InspectDeviceRate
from hutch.api.container_inspect import InspectDeviceWeight as InspectDeviceWeight
from hutch.api.container_inspect import InspectEndpoint as InspectEndpoint
from hutch.api.container_inspect import InspectHealth as InspectHealth
from hutch.api.container_inspect import InspectHealthcheck as InspectHealthcheck
from hutch.api.container_inspect import InspectHostConfig as InspectHostConfig
from hutch.api.container_inspect import InspectHostExtras as InspectHostExtras
from hutch.api.container_inspect import InspectIDMappings as InspectIDMappings
from hutch.api.container_inspect import InspectLimits as InspectLimits
from hutch.api.container_inspect import InspectLogConfig as InspectLogConfig
from hutch.api.container_inspect import InspectMount as InspectMount
from hutch.api.container_inspect import InspectNetworkSettings as InspectNetworkSettings
from hutch.api.container_inspect import InspectOptions as InspectOptions
from hutch.api.container_inspect import InspectPortBinding as InspectPortBinding
from hutch.api.container_inspect import InspectRestartPolicy as InspectRestartPolicy
from hutch.api.container_inspect import InspectSecret as InspectSecret
from hutch.api.container_inspect import InspectStartupHealthcheck as InspectStartupHealthcheck
from hutch.api.container_inspect import InspectState as InspectState
from hutch.api.container_inspect import InspectUlimit as InspectUlimit

# re-exported: ps's two classes live apart so that listing loads none of the rest
from hutch.api.container_list import ContainerSummary as ContainerSummary
from hutch.api.container_list import ListContainersOptions as ListContainersOptions

# re-exported: the logs' two classes live apart so that inspect and logs load none of
# the rest
from hutch.api.container_logs import LogLine as LogLine
from hutch.api.container_logs import LogsOptions as LogsOptions
from hutch.api.container_state_report import ContainerStateInspect as ContainerStateInspect

# re-exported: port's, top's and stats' classes live apart so that those queries load
# none of the rest
from hutch.api.container_usage import PortOptions as PortOptions
from hutch.api.container_usage import PortReport as PortReport
from hutch.api.container_usage import PublishedPort as PublishedPort
from hutch.api.container_usage import StatsOptions as StatsOptions
from hutch.api.container_usage import StatsReport as StatsReport
from hutch.api.container_usage import TopReport as TopReport
from hutch.api.container_usage import cpu_percent as cpu_percent


@dataclass(frozen=True)
class CloneOptions:
    """``container clone``: a new container made with the options of another."""

    container: str
    name: str | None = None  # None: NAME-clone, NAME-clone1, ... (podman's names)
    image: str | None = None  # None: the original's image
    resources: ResourceOptions = field(default_factory=ResourceOptions)  # set ones override
    destroy: bool = False  # remove the original (with force: also when it runs)
    force: bool = False
    run: bool = False  # start the clone
    pod: str | None = None  # --pod: the pod the clone joins (None: the original's, if any)


@dataclass(frozen=True)
class PauseOptions:
    """``pause`` and ``unpause``."""

    all: bool = False
    latest: bool = False
    filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttachOptions:
    container: str
    no_stdin: bool = False
    detach_keys: str | None = None
    sig_proxy: bool = True
    stdio: tuple[int, int, int] | None = None  # as StartOptions.stdio
    hangup_fd: int | None = None  # as StartOptions.hangup_fd


@dataclass(frozen=True)
class CopyOptions:
    """``hutch cp``: one side is ``CTR:PATH``, either may be ``-`` (a tar stream)."""

    source: str
    destination: str
    archive: bool = True  # chown what lands in a container to its primary user (podman)
    overwrite: bool = False
    # The tar stream that ``-`` stands for (an API server's request or answer);
    # None: standard input or output.
    stream: BinaryIO | None = None
    # A source that is a symlink is copied as its target (podman; docker's -L);
    # False copies the link itself (docker's and compose's default).
    follow_link: bool = True


@dataclass(frozen=True)
class CommitOptions:
    container: str
    image: str | None = None
    changes: tuple[str, ...] = ()
    message: str | None = None
    author: str | None = None
    pause: bool = True
    format: str = "oci"  # oci or docker
    squash: bool = False
    iidfile: str | None = None
    include_volumes: bool = False  # every volume and bind mount (anonymous ones always)


@dataclass(frozen=True)
class ExportOptions:
    container: str
    output: str | None = None  # None: standard output


@dataclass(frozen=True)
class ContainerListing:
    """One container of the Docker API's ``GET /containers/json``: ps's summary and
    what that list adds from inspect, read in the same pass over the records."""

    summary: ContainerSummary
    network_mode: str  # as inspect's HostConfig.NetworkMode
    networks: dict[str, InspectEndpoint]  # as inspect's NetworkSettings.Networks
    # with size: the container's files and its image's (SizeRootFs); SizeRw is summary.size
    size_root_fs: int | None = None
    # the ports it exposes ("80/tcp": the image's and --expose's), for Docker's
    # expose= filter (the published ones are in summary.ports)
    exposed: tuple[str, ...] = ()
    # inspect's .Mounts, which current podman's list gives too (Mode, RW, Propagation)
    mounts: tuple[InspectMount, ...] = ()


def without_ps_options(args: Sequence[str]) -> tuple[str, ...]:
    """The words of Docker's ``ps_args`` (``-ef``, ``aux``, ``-eo user,pid``) without its
    ps(1) options: the API and ``pod top`` take them as descriptors."""
    return tuple(w for w in args if w not in ("-e", "-o", "-eo", "-ef", "aux"))


@dataclass(frozen=True)
class HealthReport:
    status: str  # healthy, unhealthy, starting
    exit_code: int  # of the check that just ran
    output: str


@dataclass(frozen=True)
class Change:
    """One line of ``hutch diff``: ``kind`` is A (added), C (changed) or D (deleted)."""

    kind: str
    path: str


@dataclass(frozen=True)
class CommitReport:
    id: str
    names: tuple[str, ...]
    layers: tuple[str, ...] = ()  # the image's diff ids (podman's "Copying blob" lines)


class LifecycleVerbs(Protocol):
    """Make, start, stop and remove containers (``engine/containers.py``)."""

    def run(self, options: RunOptions) -> RunReport: ...

    def create(self, options: RunOptions) -> str: ...

    def passes_streams(self, options: RunOptions) -> bool:
        """Whether a container of these options gets its caller's streams: the
        passthrough drivers, from the flag or containers.conf's default."""
        ...

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]: ...

    def prepare_starts(self, count: int) -> None:
        """Begin the monitors of this engine's next ``count`` starts now, so that their
        start-up overlaps the caller's work (``compose up``: the creates and the
        dependencies' starts); one not used by then exits when the engine goes."""
        ...

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]: ...

    def restart(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]: ...

    def remove(
        self, names: Sequence[str], options: RemoveContainerOptions
    ) -> list[ActionReport]: ...

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]: ...

    def cleanup(self, names: Sequence[str], options: CleanupOptions) -> list[ActionReport]: ...


class AdminVerbs(Protocol):
    """Names, leftovers, init and clone (``engine/container_admin.py``)."""

    def init(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        """Make created containers ready to start (hutch prepares them at create)."""
        ...

    def clone(self, options: CloneOptions) -> str:
        """A copy of a container's configuration as a new container; its id."""
        ...

    def prune(self, filters: Sequence[str] = ()) -> list[ActionReport]:
        """The stopped containers (matching ``filters``: until=, label=, label!=)."""
        ...

    def rename(self, name: str, new_name: str) -> str: ...

    def exists(self, name: str) -> bool: ...

    def spec(self, name: str, new_name: bool = True) -> dict[str, Any]:
        """``generate spec``: the options the container was created with (what a
        create of it again is driven by) as JSON, podman's SpecGenerator keys where
        they map (``engine/spec_json.py``); ``new_name``: named as a clone would be
        (NAME-clone, a name not taken), else with its own name."""
        ...


class QueryVerbs(Protocol):
    """What the records, logs and published ports say (``engine/container_query.py``)."""

    def ls(self, options: ListContainersOptions) -> list[ContainerSummary]: ...

    def listing(self, options: ListContainersOptions) -> list[ContainerListing]:
        """``ls`` with each container's network mode and endpoints (and, with
        ``size``, its image's size too): the Docker API's list, one load each."""
        ...

    def inspect(
        self, names: Sequence[str], options: InspectOptions | None = None
    ) -> list[ContainerInspect]: ...

    def inspect_state(self, names: Sequence[str]) -> list[ContainerStateInspect]:
        """``inspect``'s keys that the record and the state file answer alone
        (``.State``, ``Id``, ``Name`` ...), with the same values: a template that reads
        no others takes this."""
        ...

    def logs(self, options: LogsOptions) -> Iterator[LogLine]: ...

    def port(self, names: Sequence[str], options: PortOptions) -> list[PortReport]: ...


class ProcessVerbs(Protocol):
    """The processes of running containers (``engine/lifecycle.py``)."""

    def exec(self, options: ExecOptions) -> ExecReport: ...

    def attach(self, options: AttachOptions) -> int: ...

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport: ...

    def pause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]: ...

    def unpause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]: ...

    def resize(self, name: str, rows: int, cols: int) -> None:
        """Set the window size of a running container's terminal (an API client's
        resize; an attached CLI sends its own)."""

    def healthcheck(self, name: str) -> HealthReport: ...


class ResourceVerbs(Protocol):
    """Limits and usage (``engine/resource_ops.py``)."""

    def update(self, name: str, options: ResourceOptions, restart: str | None = None) -> str:
        """Change the limits of a container (applied at once when it runs) and, with
        ``restart``, its restart policy (from its next exit on); its id."""
        ...

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        """One sample of each running container with a cgroup (all running ones when empty)."""
        ...


@dataclass(frozen=True)
class ContainerMount:
    """A container whose root filesystem ``mount`` mounted: id, names, mount point."""

    id: str
    names: tuple[str, ...]
    mountpoint: str


class FileVerbs(Protocol):
    """A container's file system: cp, diff, commit, export (``engine/container_files.py``)."""

    def copy(self, options: CopyOptions) -> None: ...

    def diff(self, name: str, other: str | None = None, images: bool = False) -> list[Change]: ...

    def commit(self, options: CommitOptions) -> CommitReport: ...

    def export(self, options: ExportOptions, out: BinaryIO) -> None: ...

    def mount(self, names: Sequence[str], all: bool = False) -> list[str]:
        """Mount the root filesystems (inside ``hutch unshare``); answer the mount points."""
        ...

    def mounted(self) -> list[ContainerMount]: ...

    def unmount(
        self, names: Sequence[str], all: bool = False, force: bool = False, latest: bool = False
    ) -> list[str]:
        """``latest``: ``names`` is the container ``--latest`` picked (podman passes over
        it while it runs, and refuses it when it is not mounted)."""
        ...


class Containers(
    LifecycleVerbs, AdminVerbs, QueryVerbs, ProcessVerbs, ResourceVerbs, FileVerbs, Protocol
):
    """``engine.containers``: verbs on many containers take names and options and
    answer one report per name (podman's shape); errors of one name are in its report.

    The verbs are declared in the slices above, one per engine module that does
    the work, so the engine builds only the part a command uses; a new verb goes
    into the slice of the module that implements it (declared here it would have
    no implementation: tests/unit/engine/test_engine_nouns.py checks).
    """

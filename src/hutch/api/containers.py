"""Containers: the options, reports and protocol of the container verbs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from hutch.api.container_config import ResourceOptions, RunOptions


@dataclass(frozen=True)
class StartOptions:
    attach: bool = False
    interactive: bool = False
    detach_keys: str | None = None  # attached: None is the container's own keys
    sig_proxy: bool = True


@dataclass(frozen=True)
class StopOptions:
    """``stop`` and ``restart``."""

    timeout: int | None = None  # seconds; None: the container's own stop timeout
    all: bool = False
    ignore: bool = False


@dataclass(frozen=True)
class RemoveContainerOptions:
    force: bool = False
    all: bool = False
    ignore: bool = False
    timeout: int | None = None
    volumes: bool = False


@dataclass(frozen=True)
class KillOptions:
    signal: str = "KILL"
    all: bool = False


@dataclass(frozen=True)
class PauseOptions:
    """``pause`` and ``unpause``."""

    all: bool = False


@dataclass(frozen=True)
class WaitOptions:
    conditions: tuple[str, ...] = ()  # empty: stopped or exited


@dataclass(frozen=True)
class StatsOptions:
    all: bool = False  # with no names: every running container


@dataclass(frozen=True)
class PortOptions:
    all: bool = False  # every container with published ports


@dataclass(frozen=True)
class ListContainersOptions:
    all: bool = False
    last: int | None = None
    filters: tuple[str, ...] = ()  # KEY=VALUE: id, name, label, status, ancestor, exited
    sort: str = "created"  # created (newest first), id, image, names, status
    size: bool = False  # compute the size of each writable layer


@dataclass(frozen=True)
class LogsOptions:
    names: tuple[str, ...]
    follow: bool = False
    tail: int | None = None
    since: str | None = None  # RFC 3339, unix seconds, or a duration before now
    until: str | None = None
    timestamps: bool = False


@dataclass(frozen=True)
class ExecOptions:
    container: str
    command: tuple[str, ...]
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    user: str | None = None
    workdir: str | None = None
    detach: bool = False
    detach_keys: str | None = None


@dataclass(frozen=True)
class AttachOptions:
    container: str
    no_stdin: bool = False
    detach_keys: str | None = None
    sig_proxy: bool = True


@dataclass(frozen=True)
class CopyOptions:
    """``hutch cp``: one side is ``CTR:PATH``, either may be ``-`` (a tar stream)."""

    source: str
    destination: str
    archive: bool = True  # chown what lands in a container to its primary user (podman)
    overwrite: bool = False


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


@dataclass(frozen=True)
class ExportOptions:
    container: str
    output: str | None = None  # None: standard output


@dataclass(frozen=True)
class RunReport:
    id: str
    exit_code: int | None  # None when detached


@dataclass(frozen=True)
class ActionReport:
    """One per container named in stop/kill/rm/start: its id, or why it failed."""

    name: str
    id: str = ""
    error: str | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class ContainerSummary:
    id: str
    name: str
    image: str
    image_id: str
    command: str
    created: float
    status: str  # created, running, paused, exited, stopping
    exit_code: int
    started_at: float
    finished_at: float
    health: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    restart_count: int = 0
    size: int | None = None  # bytes in the writable layer, when asked for
    # (volume name or "", host source or "", destination) of each mount: ps --filter volume
    mounts: tuple[tuple[str, str, str], ...] = ()
    # (host ip, host port, container port, protocol) of each published port
    ports: tuple[tuple[str, int, int, str], ...] = ()
    pid: int = 0  # of the container's first process while it runs


@dataclass(frozen=True)
class LogLine:
    timestamp: str
    stream: str
    text: bytes
    partial: bool


@dataclass(frozen=True)
class TopReport:
    """ps-style output: one header per descriptor, one row per process."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class HealthReport:
    status: str  # healthy, unhealthy, starting
    exit_code: int  # of the check that just ran
    output: str


@dataclass(frozen=True)
class ExecReport:
    """One exec session: its id (podman prints it for ``exec -d``) and exit code."""

    session_id: str
    exit_code: int | None  # None: detached, still running


@dataclass(frozen=True)
class Change:
    """One line of ``hutch diff``: ``kind`` is A (added), C (changed) or D (deleted)."""

    kind: str
    path: str


@dataclass(frozen=True)
class CommitReport:
    id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class StatsReport:
    id: str
    name: str
    cpu_usec: int  # cpu.stat usage_usec
    sampled_at: float  # time.time() of the sample
    started_at: float
    cpus: int  # CPUs the percentage is relative to (as podman: 100% is one CPU)
    mem_usage: int
    mem_limit: int  # memory.max, or the host's memory when unlimited
    pids: int
    net_input: int
    net_output: int
    block_input: int
    block_output: int
    throttled_usec: int = 0
    nr_throttled: int = 0
    oom_kills: int = 0

    @property
    def mem_percent(self) -> float:
        return 100.0 * self.mem_usage / self.mem_limit if self.mem_limit > 0 else 0.0


def cpu_percent(current: StatsReport, previous: StatsReport | None = None) -> float:
    """CPU use between two samples, or since the start without a previous one (100 = one CPU)."""
    if previous is not None and previous.id == current.id:
        used = current.cpu_usec - previous.cpu_usec
        elapsed = current.sampled_at - previous.sampled_at
    else:
        used = current.cpu_usec
        elapsed = current.sampled_at - current.started_at
    if elapsed <= 0:
        return 0.0
    return 100.0 * used / 1e6 / elapsed


@dataclass(frozen=True)
class PublishedPort:
    host_ip: str
    host_port: int
    container_port: int
    protocol: str


@dataclass(frozen=True)
class PortReport:
    """The published ports of one container (``hutch port``)."""

    id: str
    name: str
    ports: tuple[PublishedPort, ...]


class Containers(Protocol):
    """``engine.containers``: verbs on many containers take names and options and
    answer one report per name (podman's shape); errors of one name are in its report."""

    def run(self, options: RunOptions) -> RunReport: ...

    def create(self, options: RunOptions) -> str: ...

    def start(self, names: Sequence[str], options: StartOptions) -> list[ActionReport]: ...

    def stop(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]: ...

    def kill(self, names: Sequence[str], options: KillOptions) -> list[ActionReport]: ...

    def restart(self, names: Sequence[str], options: StopOptions) -> list[ActionReport]: ...

    def remove(
        self, names: Sequence[str], options: RemoveContainerOptions
    ) -> list[ActionReport]: ...

    def pause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]: ...

    def unpause(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]: ...

    def wait(self, names: Sequence[str], options: WaitOptions) -> list[ActionReport]: ...

    def prune(self) -> list[ActionReport]: ...

    def rename(self, name: str, new_name: str) -> str: ...

    def exists(self, name: str) -> bool: ...

    def ls(self, options: ListContainersOptions) -> list[ContainerSummary]: ...

    def inspect(self, names: Sequence[str]) -> list[dict[str, Any]]: ...

    def logs(self, options: LogsOptions) -> Iterator[LogLine]: ...

    def cleanup(self, container_id: str) -> None: ...

    def exec(self, options: ExecOptions) -> ExecReport: ...

    def attach(self, options: AttachOptions) -> int: ...

    def top(self, name: str, descriptors: Sequence[str]) -> TopReport: ...

    def healthcheck(self, name: str) -> HealthReport: ...

    def port(self, names: Sequence[str], options: PortOptions) -> list[PortReport]: ...

    def update(self, name: str, options: ResourceOptions) -> str:
        """Change the limits of a container (applied at once when it runs); its id."""
        ...

    def stats(self, names: Sequence[str], options: StatsOptions) -> list[StatsReport]:
        """One sample of each running container with a cgroup (all running ones when empty)."""
        ...

    # a container's file system: cp, diff, commit, export
    def copy(self, options: CopyOptions) -> None: ...

    def diff(self, name: str) -> list[Change]: ...

    def commit(self, options: CommitOptions) -> CommitReport: ...

    def export(self, options: ExportOptions, out: BinaryIO) -> None: ...

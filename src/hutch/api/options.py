"""Options the CLI (or the REST API) hands to the engine: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field

from hutch.api.options_lifecycle import LifecycleOptions
from hutch.api.options_log import LogOptions
from hutch.api.options_network import NetworkOptions
from hutch.api.options_pull import ImagePullOptions
from hutch.api.options_resources import ResourceOptions
from hutch.api.options_security import SecurityOptions
from hutch.api.options_volumes import VolumeOptions


@dataclass(frozen=True)
class RunOptions:
    image: str
    command: tuple[str, ...] = ()
    remove: bool = False
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    workdir: str | None = None
    user: str | None = None
    entrypoint: str | None = None
    hostname: str | None = None
    name: str | None = None
    network: str = ""  # "" is the [network] default setting (private unless set)
    detach: bool = False
    restart: str = "no"
    labels: tuple[str, ...] = ()
    stop_signal: str | None = None
    stop_timeout: int | None = None
    cidfile: str | None = None
    timezone: str | None = None  # --tz: local or a zone name (Europe/Paris)
    net: NetworkOptions = field(default_factory=NetworkOptions)
    security: SecurityOptions = field(default_factory=SecurityOptions)
    lifecycle: LifecycleOptions = field(default_factory=LifecycleOptions)
    pull: ImagePullOptions = field(default_factory=ImagePullOptions)
    volumes: VolumeOptions = field(default_factory=VolumeOptions)
    resources: ResourceOptions = field(default_factory=ResourceOptions)
    log: LogOptions = field(default_factory=LogOptions)


@dataclass(frozen=True)
class StopOptions:
    names: tuple[str, ...]
    timeout: int | None = None  # seconds; None: the container's own stop timeout
    all: bool = False
    ignore: bool = False


@dataclass(frozen=True)
class RemoveContainerOptions:
    names: tuple[str, ...]
    force: bool = False
    all: bool = False
    ignore: bool = False
    timeout: int | None = None
    volumes: bool = False


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
class ImportOptions:
    source: str  # a path, or "-" for standard input
    reference: str | None = None
    changes: tuple[str, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class RemoveImageOptions:
    names: tuple[str, ...]
    force: bool = False
    all: bool = False
    ignore: bool = False

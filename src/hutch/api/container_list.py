"""What ``ps`` asks for and gets back: the options and the summary of a container.

Apart from api/containers.py (which re-exports both) because listing needs
only these two: importing the sixty other classes there, and
api/container_config.py's with them, was about 11 ms of ``hutch ps``'s start.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListContainersOptions:
    all: bool = False
    last: int | None = None
    filters: tuple[str, ...] = ()  # KEY=VALUE: ps's filters (engine/container_filters.py)
    sort: str = "created"  # created (oldest first, as podman), id, image, names, status
    size: bool = False  # compute the size of each writable layer
    namespaces: bool = False  # read each running container's namespaces (ps --ns)
    networks: bool = False  # read the networks each container joined (.Networks)


@dataclass(frozen=True)
class ContainerSummary:
    id: str
    name: str
    image: str
    image_id: str
    command: str  # the whole command, shell-quoted (entrypoint and arguments)
    created: float
    status: str  # created, running, paused, exited, stopping
    exit_code: int
    started_at: float
    finished_at: float
    health: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    restart_count: int = 0
    size: int | None = None  # bytes in the writable layer, when asked for
    root_fs_size: int | None = None  # and with its image's layers (podman's rootFsSize)
    # (volume name or "", host source or "", destination) of each mount: ps --filter volume
    mounts: tuple[tuple[str, str, str], ...] = ()
    # (host ip, host port, container port, protocol) of each published port
    ports: tuple[tuple[str, int, int, str], ...] = ()
    pid: int = 0  # of the container's first process while it runs
    pod: str = ""  # the id of its pod ("" for none)
    pod_name: str = ""
    is_infra: bool = False  # the infra container of its pod
    restart_policy: str = ""  # its --restart policy's name, "" when none was given (ps --filter)
    # (kind as /proc/PID/ns names it, its inode) of each namespace, with ps --ns
    namespaces: tuple[tuple[str, str], ...] = ()
    # the user-defined networks it joined, when asked for (ListContainersOptions.networks)
    # or filtered by (network=): they are read from its bundle, which ps otherwise skips
    networks: tuple[str, ...] = ()
    # exited, and its monitor waits out the restart back-off before the next run
    # (inspect's State.Restarting; the Docker API's state "restarting")
    restarting: bool = False
    # its last run ended with ``hutch stop`` (ps --filter should-start-on-boot)
    stopped_by_user: bool = False
    # its --network as given ("container:NAME"; the listing resolves NAME to the id
    # for ps --filter network=container:OTHER)
    network_mode: str = ""
    # podman's Cmd: the arguments after the entrypoint (ps's COMMAND and its JSON)
    cmd: tuple[str, ...] = ()

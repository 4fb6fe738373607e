"""The defaults of a new container that containers.conf(5) (or hutch.toml) sets.

``[containers]`` keys by podman's names, and ``[engine] stop_timeout``, read into
one typed value; the engine fills them into a container's options where its
flags left them unset (engine/conf_defaults.py). Keys hutch does not honour are
ignored, as podman ignores the keys it does not know (man/hutch-containers.conf.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hutch.api.errors import InvalidArgument

# podman's built-in default, which Debian's /usr/share/containers/containers.conf
# repeats: hutch already gives the container's whole gid range (linux/procfs.py
# allow_ping), as before, so this one value changes nothing
PING_DEFAULT = "net.ipv4.ping_group_range=0 0"


@dataclass(frozen=True)
class ContainerDefaults:
    env: tuple[str, ...] = ()  # under the image's environment
    env_host: bool = False
    dns_servers: tuple[str, ...] = ()
    dns_searches: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    capabilities: tuple[str, ...] | None = None  # None: podman's built-in set
    sysctls: tuple[str, ...] = ()
    ulimits: tuple[str, ...] = ()
    annotations: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    init: bool = False
    init_path: str = ""
    log_driver: str = ""
    log_size_max: int = -1  # bytes; -1: no limit
    pids_limit: int | None = None  # None: podman's 2048 where a pids controller exists
    shm_size: str = ""
    tz: str = ""
    umask: str = ""
    userns: str = ""
    no_hosts: bool = False
    read_only: bool = False
    stop_timeout: int | None = None  # [engine]


def _strings(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, ())
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be a list of strings")
    return tuple(value)


def _string(table: dict[str, Any], key: str, section: str = "containers") -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise InvalidArgument(f"containers.conf: [{section}] {key} must be a string")
    return value


def _bool(table: dict[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be true or false")
    return value


def _int(table: dict[str, Any], key: str, section: str = "containers") -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"containers.conf: [{section}] {key} must be an integer")
    return value


def container_defaults(containers: dict[str, Any], engine: dict[str, Any]) -> ContainerDefaults:
    """The typed defaults of the merged ``[containers]`` and ``[engine]`` tables."""
    if not containers and "stop_timeout" not in engine:
        return ContainerDefaults()  # the common case: no parsing at all
    caps = (
        _strings(containers, "default_capabilities")
        if "default_capabilities" in containers
        else None
    )
    size_max = _int(containers, "log_size_max")
    return ContainerDefaults(
        env=_strings(containers, "env"),
        env_host=_bool(containers, "env_host"),
        dns_servers=_strings(containers, "dns_servers"),
        dns_searches=_strings(containers, "dns_searches"),
        dns_options=_strings(containers, "dns_options"),
        capabilities=caps,
        sysctls=tuple(s for s in _strings(containers, "default_sysctls") if s != PING_DEFAULT),
        ulimits=_strings(containers, "default_ulimits"),
        annotations=_strings(containers, "annotations"),
        volumes=_strings(containers, "volumes"),
        init=_bool(containers, "init"),
        init_path=_string(containers, "init_path"),
        log_driver=_string(containers, "log_driver"),
        log_size_max=-1 if size_max is None else size_max,
        pids_limit=_int(containers, "pids_limit"),
        shm_size=_string(containers, "shm_size"),
        tz=_string(containers, "tz"),
        umask=_string(containers, "umask"),
        userns=_string(containers, "userns"),
        no_hosts=_bool(containers, "no_hosts"),
        read_only=_bool(containers, "read_only"),
        stop_timeout=_int(engine, "stop_timeout", "engine"),
    )

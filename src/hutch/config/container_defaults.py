"""The defaults of a new container that containers.conf(5) (or hutch.toml) sets.

``[containers]`` keys by podman's names, and ``[engine] stop_timeout``,
``pull_policy`` and ``image_volume_mode``, read into one typed value; the engine fills them into a
container's options where its flags left them unset (engine/conf_defaults.py).
Keys hutch does not honour are ignored, as podman ignores the keys it does not
know (man/hutch-containers.conf.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class ContainerDefaults:
    env: tuple[str, ...] = ()  # under the image's environment
    env_host: bool = False
    http_proxy: bool = True  # the caller's proxy variables into the container (podman's default)
    dns_servers: tuple[str, ...] = ()
    dns_searches: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    capabilities: tuple[str, ...] | None = None  # None: podman's built-in set
    sysctls: tuple[str, ...] = ()
    ulimits: tuple[str, ...] = ()
    annotations: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()  # beside --device, as podman adds them to the spec
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
    # /etc/hosts's base file and host.containers.internal (engine/hostsfile.py)
    base_hosts_file: str = ""
    host_containers_internal_ip: str = ""
    interface_name: str = ""  # "device": a link is named after its network's bridge
    prepare_volume_on_create: bool = False  # copy-up at create, not at the first start
    cgroup_conf: tuple[str, ...] = ()  # KEY=VALUE under --cgroup-conf
    read_only: bool = False
    privileged: bool = False
    seccomp_profile: str = ""  # a profile file, or unconfined; "": hutch's built-in one
    oom_score_adj: int | None = None
    # the namespaces' modes, as --pid, --ipc, --uts and --cgroupns take them
    pidns: str = ""
    ipcns: str = ""
    utsns: str = ""
    cgroupns: str = ""
    mounts: tuple[str, ...] = ()  # --mount values, under the flags'
    log_tag: str = ""
    stop_timeout: int | None = None  # [engine]
    pull_policy: str = ""  # [engine]: run's and create's --pull where it is not given
    image_volume_mode: str = ""  # [engine]: --image-volume where it is not given


def _strings(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be a list of strings")
    return tuple(value)


def _string(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be a string")
    return value


def _bool(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be true or false")
    return value


def _interface_name(value: object, key: str) -> str:
    text = _string(value, key)
    if text not in ("", "device"):
        # podman's check of the key (its words)
        raise InvalidArgument(f"containers.conf: invalid interface_name option {text}")
    return text


def _int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"containers.conf: [containers] {key} must be an integer")
    return value


# One table drives the keys: [containers] key -> (ContainerDefaults field, parser).
# Only the keys a file sets are looked at: every command reads these settings.
KEYS: dict[str, tuple[str, Callable[[object, str], object]]] = {
    "env": ("env", _strings),
    "env_host": ("env_host", _bool),
    "http_proxy": ("http_proxy", _bool),
    "dns_servers": ("dns_servers", _strings),
    "dns_searches": ("dns_searches", _strings),
    "dns_options": ("dns_options", _strings),
    "default_capabilities": ("capabilities", _strings),
    "default_sysctls": ("sysctls", _strings),
    "default_ulimits": ("ulimits", _strings),
    "annotations": ("annotations", _strings),
    "volumes": ("volumes", _strings),
    "devices": ("devices", _strings),
    "init": ("init", _bool),
    "init_path": ("init_path", _string),
    "log_driver": ("log_driver", _string),
    "log_size_max": ("log_size_max", _int),
    "pids_limit": ("pids_limit", _int),
    "shm_size": ("shm_size", _string),
    "tz": ("tz", _string),
    "umask": ("umask", _string),
    "userns": ("userns", _string),
    "no_hosts": ("no_hosts", _bool),
    # their values are checked where a container's /etc/hosts is written (a bad one
    # must not stop every other command, system reset included)
    "base_hosts_file": ("base_hosts_file", _string),
    "host_containers_internal_ip": ("host_containers_internal_ip", _string),
    "interface_name": ("interface_name", _interface_name),
    "prepare_volume_on_create": ("prepare_volume_on_create", _bool),
    "cgroup_conf": ("cgroup_conf", _strings),
    "read_only": ("read_only", _bool),
    "privileged": ("privileged", _bool),
    "seccomp_profile": ("seccomp_profile", _string),
    "oom_score_adj": ("oom_score_adj", _int),
    "pidns": ("pidns", _string),
    "ipcns": ("ipcns", _string),
    "utsns": ("utsns", _string),
    "cgroupns": ("cgroupns", _string),
    "mounts": ("mounts", _strings),
    "log_tag": ("log_tag", _string),
}


def container_defaults(
    containers: dict[str, Any], engine: dict[str, Any]
) -> ContainerDefaults | None:
    """The typed defaults of the merged ``[containers]`` and ``[engine]`` tables; None
    when they set no key hutch honours."""
    values: dict[str, Any] = {}
    for key, value in containers.items():
        known = KEYS.get(key)
        if known is not None:
            values[known[0]] = known[1](value, key)
    if "stop_timeout" in engine:
        timeout = engine["stop_timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, int):
            raise InvalidArgument("containers.conf: [engine] stop_timeout must be an integer")
        values["stop_timeout"] = timeout
    if "pull_policy" in engine:
        policy = engine["pull_policy"]
        if not isinstance(policy, str):
            raise InvalidArgument("containers.conf: [engine] pull_policy must be a string")
        values["pull_policy"] = policy  # checked as --pull is, where it is used
    if "image_volume_mode" in engine:
        mode = engine["image_volume_mode"]
        if mode not in ("bind", "tmpfs", "ignore"):
            raise InvalidArgument(
                "containers.conf: [engine] image_volume_mode must be bind, tmpfs or ignore"
            )
        values["image_volume_mode"] = mode
    return ContainerDefaults(**values) if values else None

"""hutch's settings: layered TOML, one merge rule for every file.

built-in defaults < podman's containers.conf chain (config/containers_conf.py, or
``$CONTAINERS_CONF``) < /etc/hutch/hutch.toml < ~/.config/hutch/hutch.toml <
``$HUTCH_CONFIG`` < ``--module`` files < ``$CONTAINERS_CONF_OVERRIDE``; a later
file's tables are merged key by key into earlier ones. hutch's own files are above
the files podman reads in place (they say what the user wants of hutch); what
the command line or the environment names for this one command (a module, the
override) is above both. Environment variables podman users know override the
files, and flags override everything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.config.container_defaults import ContainerDefaults
    from hutch.config.containers_conf import Sources

SYSTEM_FILE = Path("/etc/hutch/hutch.toml")


@dataclass(frozen=True)
class Settings:
    storage_driver: str | None = None
    default_network: str = "private"
    network_backend: str = ""  # pasta or slirp4netns; "" picks pasta when installed
    # [network] pasta_options: pasta's own arguments for every container it connects,
    # before the container's ``--network pasta:OPTS`` (podman's order)
    pasta_options: tuple[str, ...] = ()
    cgroups: str = ""  # [containers] cgroups: "" (enabled) or disabled (limits only warn)
    # [engine] cgroup_manager (podman's key, --cgroup-manager): "" is what the host offers
    cgroup_manager: str = ""
    # [engine] events_logger (--events-backend): file (hutch's log), journald (the same
    # file: hutch writes no journal), none (no events recorded)
    events_logger: str = "file"
    # [engine] healthcheck_events: false, no health_status event after each check (the
    # checks, their status and log go on); podman's key and default
    healthcheck_events: bool = True
    # [registry] chunk_size: blobs larger than this are pushed in PATCH chunks of this size
    push_chunk_size: int = 64 << 20
    # containers.conf's [engine] keys, by podman's names:
    # env: NAME=VALUE set in hutch's own environment at start (proxies for its pulls)
    engine_env: tuple[str, ...] = ()
    infra_command: str = ""  # a pod infra's command where --infra-command gives none
    # image_default_transport: what a name without a transport is read from
    # (engine/transports.py); "" is a registry, podman's docker://
    default_transport: str = ""
    compression_format: str = ""  # push's --compression-format where the flag is not given
    compression_level: int | None = None  # push's --compression-level likewise
    # retry and retry_delay: tries after a failed pull or push, and the pause between
    # (registry/retry.py), where --retry and --retry-delay are not given; None: podman's
    # (3 tries; 2 s, doubled at each)
    retry: int | None = None
    retry_delay: float | None = None
    # [engine] detach_keys: run's, start's and attach's --detach-keys where neither the
    # flag nor the container gives one (None: ctrl-p,ctrl-q; "": none)
    detach_keys: str | None = None
    # containers.conf's [secrets]: secret create's --driver and --driver-opts (KEY=VALUE)
    # where the flags are not given; "" is the file driver
    secret_driver: str = ""
    secret_options: tuple[str, ...] = ()
    # containers.conf's [containers] keys (and [engine] stop_timeout) for new containers;
    # None: none set (podman's built-in values), and the module never imported
    defaults: ContainerDefaults | None = None


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _load(path: Path) -> dict[str, Any]:
    # Only when a settings file exists: most commands on most machines read none.
    from hutch.config import toml

    try:
        with open(path, "rb") as f:
            return toml.load(f)
    except FileNotFoundError:
        return {}
    except toml.TOMLDecodeError as exc:
        raise InvalidArgument(f"{path}: {exc}") from exc


def _table(merged: dict[str, Any], name: str) -> dict[str, Any]:
    value = merged.get(name, {})
    if not isinstance(value, dict):
        raise InvalidArgument(f"hutch settings: [{name}] must be a table, not {value!r}")
    return value


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"hutch settings: {what} must be a list of strings, not {value!r}")
    return tuple(value)


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"hutch settings: {what} must be true or false, not {value!r}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"hutch settings: {what} must be a string, not {value!r}")
    return value


def _environment(value: object) -> tuple[str, ...]:
    items = _strings(value, "[engine] env")
    for item in items:
        if not item.partition("=")[0] or "=" not in item:
            raise InvalidArgument(f"hutch settings: [engine] env {item!r}: NAME=VALUE expected")
    return items


# push --compression-format's values (engine/pushconvert.py; none is hutch's own)
COMPRESSION_FORMATS = ("gzip", "zstd", "zstd:chunked", "none")


def _options(value: object) -> tuple[str, ...]:
    """``[secrets.opts]``: a table of strings, as KEY=VALUE items."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidArgument("hutch settings: [secrets] opts must be a table of strings")
    return tuple(f"{k}={v}" for k, v in value.items())


def _compression(value: object) -> str:
    text = _text(value, "[engine] compression_format")
    if text and text not in COMPRESSION_FORMATS:
        raise InvalidArgument(
            f"hutch settings: [engine] compression_format {text!r}: use "
            + ", ".join(COMPRESSION_FORMATS)
        )
    return text


def _level(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"hutch settings: [engine] compression_level must be an integer, not {value!r}"
        )
    return value


def _retries(value: object) -> int | None:
    """[engine] retry: podman's is unsigned."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(
            f"hutch settings: [engine] retry must be a whole number, 0 or more, not {value!r}"
        )
    return value


def _delay(value: object) -> float | None:
    """[engine] retry_delay: a Go duration; "" (podman's default) is none."""
    text = _text(value, "[engine] retry_delay")
    if not text:
        return None
    from hutch.util.durations import parse_duration

    try:
        return parse_duration(text)
    except ValueError:
        raise InvalidArgument(
            f'hutch settings: [engine] retry_delay: time: invalid duration "{text}"'
        ) from None


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _size(value: object, what: str) -> int:
    """An integer of bytes, or a string such as ``"64M"`` (binary units)."""
    text = str(value).strip().lower().removesuffix("ib").removesuffix("b")
    unit = text[-1:] if text[-1:] in _UNITS else ""
    number = text[: len(text) - len(unit)]
    if isinstance(value, bool) or not number.isdigit() or int(number) * _UNITS[unit] < 1:
        raise InvalidArgument(f"hutch settings: {what} must be a size such as 64M, not {value!r}")
    return int(number) * _UNITS[unit]


def load_settings(
    user_file: Path,
    modules: tuple[str, ...] = (),
    cache_dir: Path | None = None,
    sources: Sources | None = None,
) -> Settings:
    """The settings of every file, in the order of this module's docstring.

    ``modules`` are ``--module`` names or paths; ``cache_dir`` keeps the parsed
    containers.conf chain (the runtime dir); ``sources`` replaces where the
    containers.conf files are looked for (tests).
    """
    from hutch.config import containers_conf as cc

    sources = sources or cc.Sources.from_environ()
    merged = podman_tables(cc.load_chain(sources, cache_dir))
    files = [SYSTEM_FILE, user_file]
    override = os.environ.get("HUTCH_CONFIG")
    if override:
        files.append(Path(override))
    for path in files:
        if path.exists():
            merged = _merge(merged, _checked(path, _load(path)))
    for name in modules:
        path = cc.resolve_module(name, sources)
        merged = _merge(merged, podman_tables(_checked(path, cc.parse(path))))
    if sources.override and os.path.isfile(sources.override):
        path = Path(sources.override)
        merged = _merge(merged, podman_tables(_checked(path, cc.parse(path))))
    return _settings(merged)


def _checked(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    for name in ("storage", "network", "containers", "registry", "engine", "secrets"):
        if name in data and not isinstance(data[name], dict):
            raise InvalidArgument(f"{path}: [{name}] must be a table")
    return data


# podman's default_capabilities (linux/caps.py's DEFAULT_CAPABILITIES, without CAP_:
# a unit test keeps the two equal; layer 1 may not import linux)
PODMAN_CAPABILITIES = frozenset(
    {"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE"}
    | {"SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
)
# podman's default_sysctls: hutch already gives the container's whole gid range
# (linux/procfs.py allow_ping), so this value changes nothing
PING_DEFAULT = "net.ipv4.ping_group_range=0 0"


def _names(value: object) -> frozenset[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return frozenset(v.strip().upper().removeprefix("CAP_") for v in value)


# containers.conf's [containers] netns -> hutch's [network] default; "private" and
# "bridge" are the private network, hutch's default already
_NETNS = ("host", "none", "slirp4netns", "pasta")


_ENGINE_KEYS = frozenset(
    {"cgroup_manager", "events_logger", "stop_timeout", "env", "infra_command", "pull_policy"}
    | {"detach_keys"}
    | {"image_default_transport", "compression_format", "compression_level"}
    | {"retry", "retry_delay"}
    | {"image_volume_mode", "healthcheck_events"}
)
PODMAN_INFRA_COMMAND = "/pause"


def podman_tables(data: dict[str, Any]) -> dict[str, Any]:
    """A containers.conf file's keys that hutch honours, under hutch's names.

    ``[containers]`` keeps podman's names (hutch.toml takes the same keys there);
    ``[containers] netns`` and ``[network] default_rootless_network_cmd`` become
    ``[network] default`` and ``backend``; a ``cgroups`` of podman's other modes
    (enabled, no-conmon, split) is hutch's default. Other tables and keys are
    ignored, as podman ignores keys it does not know.
    """
    if not data:
        return {}
    containers = dict(_table(data, "containers"))
    network: dict[str, Any] = {}
    netns = containers.pop("netns", "")
    if isinstance(netns, str) and netns.partition(":")[0] in _NETNS:
        network["default"] = netns
    command = _table(data, "network").get("default_rootless_network_cmd")
    if isinstance(command, str) and command in ("pasta", "slirp4netns"):
        network["backend"] = command
    if "pasta_options" in _table(data, "network"):
        network["pasta_options"] = data["network"]["pasta_options"]
    if "cgroups" in containers and containers["cgroups"] != "disabled":
        containers["cgroups"] = ""
    # podman's built-in values, which Debian's /usr/share/containers/containers.conf
    # repeats, are no defaults to apply: dropped here, so that every command on such
    # a host reads no [containers] key at all
    if _names(containers.get("default_capabilities")) == PODMAN_CAPABILITIES:
        del containers["default_capabilities"]
    if containers.get("default_sysctls") == [PING_DEFAULT]:
        del containers["default_sysctls"]
    engine = {key: value for key, value in _table(data, "engine").items() if key in _ENGINE_KEYS}
    # podman's built-in values: its /pause is no command of hutch's infra image, and
    # docker:// is a registry, as a name without a transport is already
    if engine.get("infra_command") == PODMAN_INFRA_COMMAND:
        del engine["infra_command"]
    if engine.get("image_default_transport") == "docker://":
        del engine["image_default_transport"]
    if engine.get("image_volume_mode") == "bind":
        del engine["image_volume_mode"]  # podman's default: nothing to apply
    secrets = {k: v for k, v in _table(data, "secrets").items() if k in ("driver", "opts") and v}
    out: dict[str, Any] = {}
    tables = (("containers", containers), ("network", network), ("engine", engine))
    for name, table in (*tables, ("secrets", secrets)):
        if table:
            out[name] = table
    return out


def _settings(merged: dict[str, Any]) -> Settings:
    storage = _table(merged, "storage")
    network = _table(merged, "network")
    containers = _table(merged, "containers")
    registry = _table(merged, "registry")
    engine = _table(merged, "engine")
    driver = os.environ.get("HUTCH_STORAGE_DRIVER") or storage.get("driver")
    return Settings(
        storage_driver=str(driver) if driver else None,
        default_network=str(network.get("default", "private")),
        network_backend=str(network.get("backend", "")),
        pasta_options=_strings(network.get("pasta_options", []), "[network] pasta_options"),
        cgroups=str(containers.get("cgroups", "")),
        cgroup_manager=check_cgroup_manager(str(engine.get("cgroup_manager", ""))),
        events_logger=check_events_backend(str(engine.get("events_logger", "file"))),
        healthcheck_events=_flag(
            engine.get("healthcheck_events", True), "[engine] healthcheck_events"
        ),
        push_chunk_size=_size(registry.get("chunk_size", 64 << 20), "[registry] chunk_size"),
        engine_env=_environment(engine.get("env", [])),
        infra_command=_text(engine.get("infra_command", ""), "[engine] infra_command"),
        default_transport=_text(
            engine.get("image_default_transport", ""), "[engine] image_default_transport"
        ),
        compression_format=_compression(engine.get("compression_format", "")),
        compression_level=_level(engine.get("compression_level")),
        retry=_retries(engine.get("retry")),
        retry_delay=_delay(engine.get("retry_delay", "")),
        detach_keys=(
            _text(engine["detach_keys"], "[engine] detach_keys")
            if "detach_keys" in engine
            else None
        ),
        secret_driver=_text(_table(merged, "secrets").get("driver", ""), "[secrets] driver"),
        secret_options=_options(_table(merged, "secrets").get("opts", {})),
        defaults=_defaults(containers, engine),
    )


def _defaults(containers: dict[str, Any], engine: dict[str, Any]) -> ContainerDefaults | None:
    if not (containers.keys() - {"cgroups"}) and not engine.keys() & {
        "stop_timeout",
        "pull_policy",
        "image_volume_mode",
    }:
        return None  # the common case: hutch.config.container_defaults is not imported
    from hutch.config.container_defaults import container_defaults

    return container_defaults(containers, engine)


CGROUP_MANAGERS = ("cgroupfs", "systemd")
EVENTS_BACKENDS = ("file", "journald", "none")


def check_cgroup_manager(value: str) -> str:
    """podman's values and words (its runtime configuration check)."""
    if value and value not in CGROUP_MANAGERS:
        raise InvalidArgument(
            "cgroup manager must be one of cgroupfs and systemd: invalid argument"
        )
    return value


def check_events_backend(value: str) -> str:
    if value not in EVENTS_BACKENDS:
        raise InvalidArgument(f'"{value}" is not a valid events backend: invalid argument')
    return value

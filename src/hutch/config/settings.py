"""hutch's own settings: layered TOML, one merge rule for every file.

built-in defaults < /etc/hutch/hutch.toml < ~/.config/hutch/hutch.toml <
``$HUTCH_CONFIG``; a later file's tables are merged key by key into earlier
ones. Environment variables podman users know override the files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hutch.api.errors import InvalidArgument

SYSTEM_FILE = Path("/etc/hutch/hutch.toml")


@dataclass(frozen=True)
class Settings:
    storage_driver: str | None = None
    default_network: str = "private"
    network_backend: str = ""  # pasta or slirp4netns; "" picks pasta when installed
    cgroups: str = ""  # [containers] cgroups: "" (enabled) or disabled (limits only warn)
    # [engine] cgroup_manager (podman's key, --cgroup-manager): "" is what the host offers
    cgroup_manager: str = ""
    # [engine] events_logger (--events-backend): file (hutch's log), journald (the same
    # file: hutch writes no journal), none (no events recorded)
    events_logger: str = "file"
    # [registry] chunk_size: blobs larger than this are pushed in PATCH chunks of this size
    push_chunk_size: int = 64 << 20


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


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _size(value: object, what: str) -> int:
    """An integer of bytes, or a string such as ``"64M"`` (binary units)."""
    text = str(value).strip().lower().removesuffix("ib").removesuffix("b")
    unit = text[-1:] if text[-1:] in _UNITS else ""
    number = text[: len(text) - len(unit)]
    if isinstance(value, bool) or not number.isdigit() or int(number) * _UNITS[unit] < 1:
        raise InvalidArgument(f"hutch settings: {what} must be a size such as 64M, not {value!r}")
    return int(number) * _UNITS[unit]


def load_settings(user_file: Path) -> Settings:
    files = [SYSTEM_FILE, user_file]
    override = os.environ.get("HUTCH_CONFIG")
    if override:
        files.append(Path(override))
    merged: dict[str, Any] = {}
    for path in files:
        if path.exists():
            data = _load(path)
            for name in ("storage", "network", "containers", "registry", "engine"):
                if name in data and not isinstance(data[name], dict):
                    raise InvalidArgument(f"{path}: [{name}] must be a table")
            merged = _merge(merged, data)
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
        cgroups=str(containers.get("cgroups", "")),
        cgroup_manager=check_cgroup_manager(str(engine.get("cgroup_manager", ""))),
        events_logger=check_events_backend(str(engine.get("events_logger", "file"))),
        push_chunk_size=_size(registry.get("chunk_size", 64 << 20), "[registry] chunk_size"),
    )


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

"""The merged data -> the project's model: profiles, defaults, names, env files.

What ``compose config`` prints is this model; the planner reads it too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from hutch.compose.dotenv import read_env_file
from hutch.compose.locate import Locator

_BOOLEAN_KEYS = ("read_only", "privileged", "init", "tty", "stdin_open", "oom_kill_disable")
_RESOURCE_BOOLEANS = ("external", "internal", "enable_ipv6", "enable_ipv4", "attachable")
_SECTIONS = ("networks", "volumes", "secrets", "configs")


def active_services(
    services: Mapping[str, Any], profiles: Iterable[str], explicit: Iterable[str] = ()
) -> set[str]:
    """Services enabled by ``profiles`` (``*`` enables all) or named explicitly."""
    active = set(profiles)
    names = set(explicit)
    return {
        name
        for name, body in services.items()
        if not body.get("profiles")
        or "*" in active
        or active & set(body["profiles"])
        or name in names
    }


def finalise(
    data: dict[str, Any],
    name: str,
    environ: Mapping[str, str],
    shell: Mapping[str, str],
    enabled: set[str],
    where: Locator,
) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for svc_name in sorted(data.get("services") or {}):
        if svc_name in enabled:
            body = data["services"][svc_name]
            services[svc_name] = _service(svc_name, body, environ, shell, enabled, where)
    model: dict[str, Any] = {"name": name, "services": services}
    uses_default = any("default" in (s.get("networks") or {}) for s in services.values())
    for section in _SECTIONS:
        declared = dict(data.get(section) or {})
        if section == "networks" and uses_default and "default" not in declared:
            declared["default"] = {}
        if declared:
            model[section] = {k: _resource(name, k, v) for k, v in sorted(declared.items())}
    for key, value in data.items():
        if key.startswith("x-"):
            model[key] = value
    return model


def _truth(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _resource(project: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    out = {k: _truth(v) if k in _RESOURCE_BOOLEANS else v for k, v in body.items()}
    if "name" not in out:
        out["name"] = key if out.get("external") else f"{project}_{key}"
    return dict(sorted(out.items()))


def _service(
    name: str,
    body: dict[str, Any],
    environ: Mapping[str, str],
    shell: Mapping[str, str],
    enabled: set[str],
    where: Locator,
) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k != "extends"}
    for key in _BOOLEAN_KEYS:
        if key in out:
            out[key] = _truth(out[key])
    if "scale" in out and isinstance(out["scale"], str) and out["scale"].isdigit():
        out["scale"] = int(out["scale"])
    env = _env_files(name, out.pop("env_file", []), shell, where)
    declared = out.get("environment") or {}
    env.update({k: (v if v is not None else environ.get(k)) for k, v in declared.items()})
    if env:
        out["environment"] = env
    labels = _label_files(name, out.pop("label_file", []), shell, where)
    labels.update(out.get("labels") or {})  # the service's labels win, as compose-go's
    if labels:
        out["labels"] = labels
    if "network_mode" not in out and not out.get("networks"):
        out["networks"] = {"default": None}
    build = out.get("build")
    if build is not None and "dockerfile" not in build and "dockerfile_inline" not in build:
        out["build"] = {**build, "dockerfile": "Dockerfile"}
    implied = _implied_dependencies(out)
    if implied:
        # as compose-go: links, volumes_from and namespace modes service:X start X first
        started = {"condition": "service_started", "required": True, "restart": True}
        out["depends_on"] = {**dict.fromkeys(implied, started), **(out.get("depends_on") or {})}
    for dependency, condition in list((out.get("depends_on") or {}).items()):
        if dependency not in enabled and not condition.get("required", True):
            del out["depends_on"][dependency]
    return dict(sorted(out.items()))


def _implied_dependencies(service: Mapping[str, Any]) -> list[str]:
    out = [str(link).partition(":")[0] for link in service.get("links") or ()]
    out += [
        str(entry).partition(":")[0]
        for entry in service.get("volumes_from") or ()
        if not str(entry).startswith("container:")
    ]
    for key in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        mode = str(service.get(key) or "")
        if mode.startswith("service:"):
            out.append(mode[len("service:") :])
    return list(dict.fromkeys(out))


def _env_files(
    service: str, entries: list[dict[str, Any]], shell: Mapping[str, str], where: Locator
) -> dict[str, str | None]:
    env: dict[str, str | None] = {}
    for entry in entries:
        path = entry["path"]
        required = entry.get("required", True)
        if required and not os.path.exists(path):
            raise where.error(f"env file {path} not found", ("services", service, "env_file"))
        env.update(read_env_file(path, shell, missing_ok=not required) or {})
    return env


def _label_files(
    service: str, paths: list[str], shell: Mapping[str, str], where: Locator
) -> dict[str, str]:
    """``label_file``: KEY=VALUE lines read as env files are (compose-go's rule)."""
    labels: dict[str, str] = {}
    for path in paths:
        if not os.path.exists(path):
            raise where.error(f"label file {path} not found", ("services", service, "label_file"))
        labels.update(
            {k: v for k, v in (read_env_file(path, shell) or {}).items() if v is not None}
        )
    return labels

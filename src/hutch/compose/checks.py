"""What the schema cannot say: references between services and resources."""

from __future__ import annotations

from typing import Any

from hutch.api.build_cache import cache_source
from hutch.compose import networks
from hutch.compose.locate import Locator
from hutch.compose.model import dependency_order as dependency_order  # its home: the model


def check(model: dict[str, Any], disabled: set[str], where: Locator) -> None:
    """Raise ComposeError (file:line, key path) for the first inconsistency."""
    services: dict[str, Any] = model["services"]
    for name, svc in services.items():
        _references(name, svc, model, disabled, where)
    for key, body in (model.get("networks") or {}).items():
        networks.check(key, body or {}, where)
    _cycles(services, where)
    _published_ports(services, where)


def _references(
    name: str, svc: dict[str, Any], model: dict[str, Any], disabled: set[str], where: Locator
) -> None:
    base = ("services", name)
    services = model["services"]
    if "image" not in svc and "build" not in svc:
        raise where.error("service has neither an image nor a build context", base)
    for dependency in svc.get("depends_on") or {}:
        if dependency in services:
            continue
        path = (*base, "depends_on", dependency)
        if dependency in disabled:
            raise where.error(
                f"depends on service {dependency!r}, which its profiles leave disabled",
                path,
            )
        raise where.error(f"depends on undefined service {dependency!r}", path)
    for network in svc.get("networks") or {}:
        if network not in (model.get("networks") or {}):
            raise where.error(
                f"network {network!r} is not declared in the top-level networks",
                (*base, "networks", network),
            )
    for key in ("network_mode", "ipc", "pid"):  # service:NAME joins NAME's first container
        value = svc.get(key) or ""
        if value.startswith("service:") and value[8:] not in services:
            raise where.error(f"refers to undefined service {value[8:]!r}", (*base, key))
    for index, source in enumerate(svc.get("volumes_from") or []):
        target = source.split(":")[0]
        if not target.startswith("container") and target not in services:
            raise where.error(
                f"refers to undefined service {target!r}", (*base, "volumes_from", index)
            )
    for index, mount in enumerate(svc.get("volumes") or []):
        source = mount.get("source")
        if mount.get("type") == "volume" and source and source not in (model.get("volumes") or {}):
            raise where.error(
                f"volume {source!r} is not declared in the top-level volumes",
                (*base, "volumes", index),
            )
    for key in ("cache_from", "cache_to"):  # the rest of build is read when it builds
        for index, text in enumerate((svc.get("build") or {}).get(key) or []):
            try:
                cache_source(str(text))
            except ValueError as exc:
                raise where.error(str(exc), (*base, "build", key, index)) from None
    for kind in ("secrets", "configs"):
        for index, ref in enumerate(svc.get(kind) or []):
            if ref["source"] not in (model.get(kind) or {}):
                raise where.error(
                    f"{kind[:-1]} {ref['source']!r} is not declared in the top-level {kind}",
                    (*base, kind, index),
                )


def _cycles(services: dict[str, Any], where: Locator) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*path[path.index(name) :], name]
            raise where.error(
                "dependency cycle: " + " -> ".join(cycle), ("services", path[-1], "depends_on")
            )
        state[name] = 1
        for dependency in services[name].get("depends_on") or {}:
            if dependency in services:
                visit(dependency, [*path, name])
        state[name] = 2

    for name in services:
        visit(name, [])


def _published_ports(services: dict[str, Any], where: Locator) -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for name, svc in services.items():
        for index, port in enumerate(svc.get("ports") or []):
            published = port.get("published")
            if not published or "-" in published:
                continue
            key = (port.get("host_ip") or "", published, port.get("protocol", "tcp"))
            if key in seen:
                raise where.error(
                    f"port {published}/{key[2]} is already published by service {seen[key]!r}",
                    ("services", name, "ports", index),
                )
            seen[key] = name

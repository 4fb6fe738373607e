"""One file's data in long syntax, with its relative paths made absolute.

Done per file, before files are merged, because relative paths belong to the
file (or to the project directory of an ``include``) that wrote them, and
because the merge rules are simplest on one form (ports and volumes merge
by their key, environment and labels as mappings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from hutch.compose import syntax
from hutch.compose.errors import KeyPath
from hutch.compose.yamlload import Document, Override, Reset


@dataclass(frozen=True)
class Context:
    doc: Document
    base_dir: str  # relative paths resolve against this directory
    home: str | None


def normalise_file(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """``data`` (interpolated, valid) with services and resources in long syntax."""
    out = dict(data)
    services = data.get("services")
    if isinstance(services, dict):
        out["services"] = {
            name: _marked(svc, partial(_service, ctx=ctx, path=("services", name)))
            for name, svc in services.items()
        }
    for kind in ("networks", "volumes", "secrets", "configs"):
        section = data.get(kind)
        if isinstance(section, dict):
            out[kind] = {
                name: _marked(body, partial(_resource, kind, ctx=ctx))
                for name, body in section.items()
            }
    return out


def _marked(value: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` under an ``!override`` marker; leave ``!reset`` alone."""
    if isinstance(value, Reset):
        return value
    if isinstance(value, Override):
        return Override(fn(value.value))
    return fn(value)


def _resource(kind: str, body: Any, *, ctx: Context) -> dict[str, Any]:
    out = dict(body or {})
    external = out.get("external")
    if isinstance(external, dict):
        out["external"] = True
        if external.get("name") and "name" not in out:
            out["name"] = external["name"]
    if "labels" in out:
        out["labels"] = syntax.key_values(out["labels"])
    if kind in ("secrets", "configs") and isinstance(out.get("file"), str):
        out["file"] = syntax.host_path(out["file"], ctx.base_dir, ctx.home)
    return out


def _service(svc: Any, *, ctx: Context, path: KeyPath) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (svc or {}).items():
        rule = _RULES.get(key)
        if rule is None or isinstance(value, Reset):
            out[key] = value
            continue
        try:
            out[key] = _marked(value, partial(_call, rule, ctx=ctx))
        except ValueError as exc:
            raise ctx.doc.error(str(exc), (*path, key)) from None
    return out


def _call(rule: Callable[[Any, Context], Any], value: Any, *, ctx: Context) -> Any:
    return rule(value, ctx)


def _context_path(value: str, ctx: Context) -> str:
    if "://" in value or value.startswith("git@"):
        return value
    return syntax.host_path(value, ctx.base_dir, ctx.home)


def _build(value: Any, ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {"context": value} if isinstance(value, str) else dict(value)
    out["context"] = _context_path(out.get("context", "."), ctx)
    for key in ("args", "labels", "additional_contexts", "ssh"):
        if key in out:
            out[key] = syntax.key_values(out[key])
    if "extra_hosts" in out:
        out["extra_hosts"] = _extra_hosts(out["extra_hosts"], ctx)
    if "ssh" in out:
        # default (the caller's agent), ID=SOCKET or ID=KEY[,KEY]: paths relative to the file
        out["ssh"] = {
            k: v
            if not v
            else ",".join(syntax.host_path(p, ctx.base_dir, ctx.home) for p in v.split(","))
            for k, v in out["ssh"].items()
        }
    if "additional_contexts" in out:
        # a directory is relative to the file, as the context is; an image or a URL stays
        contexts: dict[str, Any] = out["additional_contexts"]
        out["additional_contexts"] = {k: _context_path(str(v), ctx) for k, v in contexts.items()}
    return out


def _extra_hosts(value: Any, ctx: Context) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    out: dict[str, Any] = {}
    for item in value:
        text = str(item)
        sep = "=" if "=" in text else ":"
        host, _, address = text.partition(sep)
        if not address:
            raise ValueError(f"invalid extra host {text!r} (HOST:IP or HOST=IP)")
        out[host] = address
    return out


def _env_file(value: Any, ctx: Context) -> list[dict[str, Any]]:
    items = [value] if isinstance(value, str) else value
    out = []
    for item in items:
        entry = {"path": item} if isinstance(item, str) else dict(item)
        entry["path"] = syntax.host_path(entry["path"], ctx.base_dir, ctx.home)
        required = entry.get("required", True)
        entry["required"] = required if isinstance(required, bool) else required == "true"
        out.append(entry)
    return out


def _depends_on(value: Any, ctx: Context) -> dict[str, Any]:
    if isinstance(value, list):
        return {name: {"condition": "service_started", "required": True} for name in value}
    return {name: {"required": True, **(body or {})} for name, body in value.items()}


def _healthcheck(value: Any, ctx: Context) -> dict[str, Any]:
    out = dict(value)
    if isinstance(out.get("test"), str):
        out["test"] = ["CMD-SHELL", out["test"]]
    return out


def _extends(value: Any, ctx: Context) -> dict[str, Any]:
    out = {"service": value} if isinstance(value, str) else dict(value)
    if "file" in out:
        out["file"] = syntax.host_path(out["file"], ctx.base_dir, ctx.home)
    return out


def _ports(value: Any, ctx: Context) -> list[dict[str, Any]]:
    return [entry for item in value for entry in syntax.ports(item)]


def _references(value: Any, ctx: Context) -> list[dict[str, Any]]:
    return [{"source": item} if isinstance(item, str) else dict(item) for item in value]


def _as_list(value: Any, ctx: Context) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


_RULES: dict[str, Callable[[Any, Context], Any]] = {
    "build": _build,
    "environment": lambda v, c: syntax.key_values(v),
    "labels": lambda v, c: syntax.key_values(v),
    "annotations": lambda v, c: syntax.key_values(v),
    "sysctls": lambda v, c: syntax.key_values(v),
    "extra_hosts": _extra_hosts,
    "env_file": _env_file,
    "label_file": lambda v, c: [syntax.host_path(p, c.base_dir, c.home) for p in _as_list(v, c)],
    "ports": _ports,
    "expose": lambda v, c: [str(p) for p in v],
    "volumes": lambda v, c: [syntax.volume(item, c.base_dir, c.home) for item in v],
    "tmpfs": _as_list,
    "dns": _as_list,
    "dns_search": _as_list,
    "depends_on": _depends_on,
    "networks": lambda v, c: dict.fromkeys(v) if isinstance(v, list) else dict(v),
    "secrets": _references,
    "configs": _references,
    "command": lambda v, c: syntax.command(v),
    "entrypoint": lambda v, c: syntax.command(v),
    "healthcheck": _healthcheck,
    "extends": _extends,
    "working_dir": lambda v, c: v,
    "group_add": lambda v, c: [str(g) for g in v],
}

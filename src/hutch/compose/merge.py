"""The Compose Specification's merge rules, on long-syntax data.

Mappings merge key by key; scalars and the shell commands (``command``,
``entrypoint``, ``healthcheck.test``) are replaced; ``ports``, ``volumes``,
``secrets``, ``configs`` merge by their identity (a later entry with the same
key replaces the earlier one); other sequences are appended without
duplicates. ``!reset`` removes a key, ``!override`` replaces it whole.
"""

from __future__ import annotations

from typing import Any

from hutch.compose.yamlload import Override, Reset

_REPLACED = {"command", "entrypoint", "test"}


def _port_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry.get("host_ip"),
        entry.get("target"),
        entry.get("published"),
        entry.get("protocol"),
    )


def _mount_key(entry: dict[str, Any]) -> Any:
    return entry.get("target")


def _reference_key(entry: dict[str, Any]) -> Any:
    return entry.get("target") or entry.get("source")


_KEYED = {
    "ports": _port_key,
    "volumes": _mount_key,
    "secrets": _reference_key,
    "configs": _reference_key,
}


def merge(base: Any, over: Any, key: str | None = None) -> Any:
    """``over`` merged onto ``base`` (neither is modified)."""
    if isinstance(over, Override):
        return strip(over.value)
    if isinstance(over, Reset):
        return None
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if isinstance(v, Reset):
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v, k)
            else:
                out[k] = strip(v)
        return out
    if isinstance(base, list) and isinstance(over, list) and key not in _REPLACED:
        identity = _KEYED.get(key or "")
        if identity is not None and all(isinstance(e, dict) for e in base + over):
            by_key = {identity(e): e for e in base}
            for entry in over:
                by_key[identity(entry)] = strip(entry)
            return list(by_key.values())
        appended = list(base)
        for item in over:
            if item not in appended:
                appended.append(strip(item))
        return appended
    return strip(over)


def strip(value: Any) -> Any:
    """``value`` without ``!reset``/``!override`` markers (for a first definition)."""
    if isinstance(value, Override):
        return strip(value.value)
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [strip(v) for v in value if not isinstance(v, Reset)]
    if isinstance(value, Reset):
        return None
    return value

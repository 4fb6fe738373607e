"""Typed reports rendered to podman's JSON by one function.

A report field names its JSON key once, where it is declared::

    repo_tags: tuple[str, ...] = field(metadata=key("RepoTags"))

so adding a key to ``inspect`` is one line in the report (and the engine
filling it in). ``to_json`` walks a report in field order, which is the key
order podman prints; tuples become lists, nested reports objects, and plain
JSON values (dicts kept as stored, such as an image's own config) pass through.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any


def go_time(ts: float) -> str:
    """Unix time ``ts`` as Go marshals a UTC time.Time: nine fraction digits."""
    from datetime import datetime, timezone

    whole = int(ts)
    nanos = round((ts - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, 0
    moment = datetime.fromtimestamp(whole, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{nanos:09d}Z"


def key(name: str, omitempty: bool = False, *, omitzero: bool = False) -> dict[str, Any]:
    """The metadata of a report field: its key in podman's JSON (left out when None,
    the empty string or an empty map and ``omitempty``, as Go's ``json:",omitempty"``
    leaves out nil, "" and an empty map; ``omitzero`` also leaves out 0 and false,
    Go's omitempty on a number or a bool)."""
    return {"json": name, "omitempty": omitempty or omitzero, "omitzero": omitzero}


def internal() -> dict[str, bool]:
    """The metadata of a report field that is no key of podman's JSON (what another
    front end of hutch's reads, such as kube generate)."""
    return {"internal": True}


def inline() -> dict[str, bool]:
    """The metadata of a nested report whose keys sit in its parent (Go's embedding)."""
    return {"inline": True}


def _empty(raw: Any, metadata: Any) -> bool:
    if not metadata.get("omitempty"):
        return False
    if raw is None or raw == "" or raw == {}:
        return True
    return bool(metadata.get("omitzero")) and (raw is False or raw == 0)


def _ordered(out: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``out``'s keys in ``order`` (podman's struct order), any others after them."""
    first = {k: out[k] for k in order if k in out}
    return first | {k: v for k, v in out.items() if k not in first}


def to_json(value: Any) -> Any:
    """``value`` (a report, or a list of them) as podman's JSON values.

    A report whose keys do not follow its fields (one with an inlined part, whose
    keys podman interleaves with its own) names podman's order in a ``JSON_ORDER``
    class variable."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in fields(value):
            if f.metadata.get("internal"):
                continue
            raw = getattr(value, f.name)
            if _empty(raw, f.metadata):
                continue
            item = to_json(raw)
            if f.metadata.get("inline"):
                out.update(item or {})
            else:
                out[f.metadata.get("json", f.name)] = item
        order: tuple[str, ...] | None = getattr(value, "JSON_ORDER", None)
        return out if order is None else _ordered(out, order)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value

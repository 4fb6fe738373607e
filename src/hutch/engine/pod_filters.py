"""``pod ps --filter``: which pods to list (podman's keys and rules).

Values of one key are alternatives, different keys must all match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from hutch.api.errors import InvalidArgument
from hutch.api.pods import PodSummary

STATUSES = ("created", "running", "stopped", "paused", "exited", "dead", "degraded", "error")
CTR_STATUSES = ("created", "running", "paused", "stopped", "exited", "unknown")


def _label(p: PodSummary, value: str) -> bool:
    key, has_value, wanted = value.partition("=")
    labels = dict(p.labels)
    return key in labels and (not has_value or labels[key] == wanted)


def _regex(value: str, text: str) -> bool:
    try:
        return re.search(value, text) is not None
    except re.error:
        return value == text


def _ctr_status(p: PodSummary, value: str) -> bool:
    wanted = {"stopped": "exited"}.get(value, value)
    return any(m.state == wanted for m in p.members)


_MATCHERS: dict[str, Callable[[PodSummary, str], bool]] = {
    "id": lambda p, v: p.id.startswith(v),
    "name": lambda p, v: _regex(v, p.name),
    "label": _label,
    "status": lambda p, v: p.status.lower() == v,
    "network": lambda p, v: v in p.networks,
    "ctr-names": lambda p, v: any(_regex(v, m.name) for m in p.members),
    "ctr-ids": lambda p, v: any(m.id.startswith(v) for m in p.members),
    "ctr-number": lambda p, v: str(len(p.members)) == v,
    "ctr-status": _ctr_status,
}


def matcher(items: Sequence[str]) -> Callable[[PodSummary], bool]:
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key not in _MATCHERS:
            raise InvalidArgument(f"{key} is an invalid filter")  # podman's words
        if key == "status" and value not in STATUSES:
            raise InvalidArgument(f"{value} is not a valid pod status")  # podman's words
        if key == "ctr-status" and value not in CTR_STATUSES:
            raise InvalidArgument(
                f"invalid container status {value!r}: use one of {', '.join(CTR_STATUSES)}"
            )
        by_key.setdefault(key, []).append(value)

    def keep(p: PodSummary) -> bool:
        return all(any(_MATCHERS[k](p, v) for v in values) for k, values in by_key.items())

    return keep

"""``pod ps --filter``: which pods to list (podman's keys and rules).

Values of one key are alternatives, different keys must all match.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from hutch.api.errors import InvalidArgument
from hutch.api.pod_list import PodSummary

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


def _created_before(values: list[str], now: float) -> Callable[[PodSummary, str], bool]:
    """``until=``: the pods created before the time it names (timetype's reading: a
    duration before now, a date, unix seconds). podman reads it inside the filter and
    takes an error there (a bad time, two of them) as no match: nothing is listed,
    and the exit is 0, as 4.3.1 and current podman do."""
    from hutch.util.timestamps import TimestampError, filter_timestamp

    try:
        bound = filter_timestamp(values[0], now) if len(values) == 1 else None
    except TimestampError:
        bound = None
    return lambda p, _v: bound is not None and p.created < bound


def matcher(items: Sequence[str], now: float | None = None) -> Callable[[PodSummary], bool]:
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key == "until":
            by_key.setdefault(key, []).append(value)
            continue
        if key not in _MATCHERS:
            raise InvalidArgument(f"{key} is an invalid filter")  # podman's words
        if key == "status" and value not in STATUSES:
            raise InvalidArgument(f"{value} is not a valid pod status")  # podman's words
        if key == "ctr-status" and value not in CTR_STATUSES:
            raise InvalidArgument(
                f"invalid container status {value!r}: use one of {', '.join(CTR_STATUSES)}"
            )
        by_key.setdefault(key, []).append(value)

    matchers = dict(_MATCHERS)
    if "until" in by_key:
        matchers["until"] = _created_before(by_key["until"], time.time() if now is None else now)

    def keep(p: PodSummary) -> bool:
        return all(any(matchers[k](p, v) for v in values) for k, values in by_key.items())

    return keep

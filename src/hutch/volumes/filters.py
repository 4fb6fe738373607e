"""``volume ls --filter`` and ``volume prune --filter``: which volumes, by podman's rules.

Values of one key are alternatives (any may match), except ``label`` and
``label!``, whose values must all hold; different keys must all match.
``label!=KEY[=VALUE]`` keeps the volumes that do not carry every one of its
labels. ``until`` (a time or a duration before now) keeps volumes created
before it; ``after``/``since`` those created after the named volume.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument, NoSuchObject

TYPE_CHECKING = False  # typing costs an import on volume ls's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Protocol

    class FilteredVolume(Protocol):
        """What the filters read of a volume (the engine's report has these fields):
        declared here so that this layer needs nothing of ``api`` but its errors."""

        @property
        def name(self) -> str: ...
        @property
        def driver(self) -> str: ...
        @property
        def created(self) -> float: ...
        @property
        def labels(self) -> tuple[tuple[str, str], ...]: ...
        @property
        def options(self) -> tuple[tuple[str, str], ...]: ...
        @property
        def anonymous(self) -> bool: ...
        @property
        def users(self) -> tuple[str, ...]: ...


KEYS = (
    "after",
    "anonymous",
    "dangling",
    "driver",
    "label",
    "label!",
    "name",
    "opt",
    "scope",
    "since",
    "until",
)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class VolumeFilters:
    by_key: tuple[tuple[str, tuple[str, ...]], ...] = ()
    until: float | None = None  # created before this time
    after: float | None = None  # created after this time

    def match(self, volume: FilteredVolume) -> bool:
        if self.until is not None and not volume.created < self.until:
            return False
        if self.after is not None and not volume.created > self.after:
            return False
        return all(_key_matches(volume, key, values) for key, values in self.by_key)


def parse_volume_filters(
    items: Sequence[str],
    created_of: Callable[[str], float | None],
    now: float | None = None,
) -> VolumeFilters:
    """Check every ``KEY=VALUE``; ``created_of`` gives a volume's creation time (after=)."""
    grouped: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:  # podman's words
            raise InvalidArgument(
                f"filter input must be in the form of filter=value: {item} is invalid"
            )
        if not value:
            raise InvalidArgument(f"invalid volume filter {item!r}: use KEY=VALUE")
        if key not in KEYS:
            raise InvalidArgument(f'"{key}" is an invalid volume filter')  # podman's words
        if key in ("dangling", "anonymous") and value.lower() not in _BOOLEANS:
            raise InvalidArgument(  # podman's words
                f'"{value}" is not a valid value for the "{key}" filter - must be true or false'
            )
        grouped.setdefault(key, []).append(value)
    until = _until(grouped.pop("until", []), now)
    after = _after(grouped.pop("after", []) + grouped.pop("since", []), created_of)
    by_key = tuple((k, tuple(v)) for k, v in sorted(grouped.items()))
    return VolumeFilters(by_key, until, after)


def _until(values: list[str], now: float | None) -> float | None:
    if not values:
        return None
    if len(values) > 1:
        raise InvalidArgument("invalid volume filter until: give exactly one timestamp")
    from hutch.util.durations import parse_time

    try:
        return parse_time(values[0], time.time() if now is None else now)
    except ValueError:  # podman's words
        raise InvalidArgument(f'failed to parse value as time or duration: "{values[0]}"') from None


def _after(names: list[str], created_of: Callable[[str], float | None]) -> float | None:
    """The earliest creation time of the named volumes (podman: after any of them)."""
    times = []
    for name in names:
        created = created_of(name)
        if created is None:
            raise NoSuchObject(f'no volume with name "{name}" found: no such volume')
        times.append(created)
    return min(times) if times else None


def _key_matches(volume: FilteredVolume, key: str, values: tuple[str, ...]) -> bool:
    if key == "label":
        return _has_labels(volume, values)
    if key == "label!":
        return not _has_labels(volume, values)
    return any(_value_matches(volume, key, value) for value in values)


def _has_labels(volume: FilteredVolume, wanted: tuple[str, ...]) -> bool:
    labels = dict(volume.labels)
    for item in wanted:
        key, has_value, value = item.partition("=")
        if key not in labels or (has_value and labels[key] != value):
            return False
    return True


def _value_matches(volume: FilteredVolume, key: str, value: str) -> bool:
    if key == "name":
        try:
            return re.search(value, volume.name) is not None
        except re.error:
            return value == volume.name
    if key == "driver":
        return volume.driver == value
    if key == "scope":
        return value == "local"  # every volume here is local
    if key == "opt":
        opt_key, has_value, opt_value = value.partition("=")
        options = dict(volume.options)
        return opt_key in options and (not has_value or options[opt_key] == opt_value)
    if key == "dangling":
        return (not volume.users) == _BOOLEANS[value.lower()]
    if key == "anonymous":
        return volume.anonymous == _BOOLEANS[value.lower()]
    raise AssertionError(f"unchecked volume filter {key}")  # parse refuses unknown keys

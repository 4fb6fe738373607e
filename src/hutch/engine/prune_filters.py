"""``system prune --filter`` (and the prunes it runs): podman's three keys.

``until=TIME`` (a timestamp or a Go duration before now) keeps what was
created before it; ``label=KEY[=VALUE]`` what carries the label,
``label!=KEY[=VALUE]`` what does not. Different keys must all hold, and so
must every value of ``label`` (podman's rule for prune filters)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument
from hutch.util.durations import parse_time

KEYS = ("label", "label!", "until")


@dataclass(frozen=True)
class PruneFilters:
    until: float | None = None
    labels: tuple[str, ...] = ()
    not_labels: tuple[str, ...] = ()

    def match(self, created: float, labels: Sequence[tuple[str, str]]) -> bool:
        if self.until is not None and not created < self.until:
            return False
        have = dict(labels)
        if not all(_has(have, item) for item in self.labels):
            return False
        return not any(_has(have, item) for item in self.not_labels)


def parse_prune_filters(
    items: Sequence[str], now: float | None = None, *, noun: str = ""
) -> PruneFilters:
    """Check every ``KEY=VALUE`` before anything is removed (exit 125 otherwise); an
    unknown key in podman's words (``noun`` "image": image prune's own)."""
    until: float | None = None
    labels: list[str] = []
    not_labels: list[str] = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key == "label":
            labels.append(value)
        elif key == "label!":
            not_labels.append(value)
        elif key == "until":
            try:
                until = parse_time(value, time.time() if now is None else now)
            except ValueError:
                # podman's words
                raise InvalidArgument(
                    f'failed to parse value as time or duration: "{value}"'
                ) from None
        else:
            if noun:
                raise InvalidArgument(f'unsupported {noun} filter "{key}"')
            raise InvalidArgument(f"{key} is an invalid filter")
    return PruneFilters(until, tuple(labels), tuple(not_labels))


def _has(labels: dict[str, str], item: str) -> bool:
    key, has_value, value = item.partition("=")
    return key in labels and (not has_value or labels[key] == value)

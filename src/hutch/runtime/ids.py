"""Subordinate id ranges (``/etc/subuid``, ``/etc/subgid``) and id maps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IdRange:
    start: int
    count: int


@dataclass(frozen=True)
class IdMapEntry:
    """One line of ``/proc/PID/uid_map``: inside id, outside id, length."""

    inside: int
    outside: int
    count: int

    def to_host(self, inside_id: int) -> int | None:
        if self.inside <= inside_id < self.inside + self.count:
            return self.outside + inside_id - self.inside
        return None

    def to_inside(self, outside_id: int) -> int | None:
        if self.outside <= outside_id < self.outside + self.count:
            return self.inside + outside_id - self.outside
        return None


def subordinate_ranges(path: Path, user: str, uid: int) -> tuple[IdRange, ...]:
    """The ranges ``path`` gives ``user`` (matched by name or numeric uid)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return ()
    ranges: list[IdRange] = []
    for line in text.splitlines():
        parts = line.strip().split(":")
        if len(parts) != 3 or parts[0] not in (user, str(uid)):
            continue
        try:
            start, count = int(parts[1]), int(parts[2])
        except ValueError:
            continue
        if count > 0:
            ranges.append(IdRange(start, count))
    return tuple(ranges)


def session_map(own_id: int, ranges: tuple[IdRange, ...]) -> tuple[IdMapEntry, ...]:
    """Container id 0 is the user; 1.. are the subordinate ranges, in order (as podman)."""
    entries = [IdMapEntry(0, own_id, 1)]
    inside = 1
    for r in ranges:
        entries.append(IdMapEntry(inside, r.start, r.count))
        inside += r.count
    return tuple(entries)


def parse_map(text: str) -> tuple[IdMapEntry, ...]:
    entries = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            entries.append(IdMapEntry(int(parts[0]), int(parts[1]), int(parts[2])))
    return tuple(entries)


def map_to_host(entries: tuple[IdMapEntry, ...], inside_id: int) -> int | None:
    for entry in entries:
        host = entry.to_host(inside_id)
        if host is not None:
            return host
    return None


def map_to_inside(entries: tuple[IdMapEntry, ...], outside_id: int) -> int | None:
    """``map_to_host`` the other way: the inside id an outside one is, if mapped."""
    for entry in entries:
        inside = entry.to_inside(outside_id)
        if inside is not None:
            return inside
    return None

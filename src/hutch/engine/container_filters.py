"""``ps --filter`` and ``--sort``: which containers to list, in which order.

podman's rules: values of one key are alternatives (any may match), different
keys must all match. ``status`` and ``exited`` filters look at all containers,
as if ``--all`` had been given.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hutch.api.container_list import ContainerSummary
from hutch.api.errors import InvalidArgument

STATUSES = ("created", "exited", "paused", "running", "stopping", "unknown")
# podman's names of restart policies for restart-policy= ("none" is podman's unset one,
# which hutch records as "no")
RESTART_POLICIES = ("always", "no", "none", "on-failure", "unless-stopped")
SORT_KEYS: dict[str, Callable[[ContainerSummary], Any]] = {
    # podman's order (oldest first: its SortCreateTime), not Docker's; the API's
    # listing puts the newest first itself, as Docker's does
    "created": lambda c: c.created,
    "id": lambda c: c.id,
    "image": lambda c: c.image,
    "names": lambda c: c.name,
    "status": lambda c: c.status,
}


@dataclass(frozen=True)
class Filters:
    by_key: dict[str, tuple[str, ...]]

    @property
    def needs_networks(self) -> bool:
        return "network" in self.by_key

    @property
    def implies_all(self) -> bool:
        return "status" in self.by_key or "exited" in self.by_key

    def match(self, c: ContainerSummary) -> bool:
        return all(
            any(_MATCHERS[key](c, value) for value in values) for key, values in self.by_key.items()
        )


def _label(c: ContainerSummary, value: str) -> bool:
    key, has_value, wanted = value.partition("=")
    labels = dict(c.labels)
    return key in labels and (not has_value or labels[key] == wanted)


def _name(c: ContainerSummary, value: str) -> bool:
    try:
        return re.search(value, c.name) is not None
    except re.error:
        return value == c.name


def _ancestor(c: ContainerSummary, value: str) -> bool:
    image = c.image
    bare = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    candidates = {image, bare, bare.rsplit("/", 1)[-1], image.rsplit("/", 1)[-1]}
    digest = c.image_id.split(":", 1)[-1]
    return value in candidates or (len(value) >= 3 and digest.startswith(value))


def _volume(c: ContainerSummary, value: str) -> bool:
    """podman's ``volume=NAME|MOUNTPOINT``, and its ``SOURCE:DESTINATION`` pair.

    A value names a volume, a bind mount's host path, or a mount's
    destination in the container; with a colon, the part before it names the
    volume or host path and the part after it the destination of that mount.
    """
    for name, source, destination in c.mounts:
        if value in (name, source) or _same_path(value, destination):
            return True
    first, colon, dest = value.partition(":")
    if not colon or not dest:
        return False
    return any(
        first in (name, source) and _same_path(dest, destination)
        for name, source, destination in c.mounts
    )


def _same_path(value: str, path: str) -> bool:
    return value.startswith("/") and posixpath.normpath(value) == posixpath.normpath(path)


_MATCHERS: dict[str, Callable[[ContainerSummary, str], bool]] = {
    "id": lambda c, v: c.id.startswith(v),
    "name": _name,
    "label": _label,
    "status": lambda c, v: c.status == v,
    "ancestor": _ancestor,
    "exited": lambda c, v: c.status == "exited" and str(c.exit_code) == v,
    "volume": _volume,
    # podman's pod=NAME|ID: the container's pod, by name or id prefix
    "pod": lambda c, v: bool(c.pod) and (c.pod_name == v or c.pod.startswith(v)),
    "restart-policy": lambda c, v: c.restart_policy == ("no" if v == "none" else v),
    # podman's network=NAME (the engine reads the networks when this filter is given)
    "network": lambda c, v: v in c.networks,
}


def parse_filters(items: Sequence[str]) -> Filters:
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not value:
            raise InvalidArgument(f"invalid filter {item!r}: use KEY=VALUE")
        if key not in _MATCHERS:
            raise InvalidArgument(f"{key} is an invalid filter")  # podman's words
        if key == "status" and value not in STATUSES:
            raise InvalidArgument(f"invalid status {value!r}: use one of {', '.join(STATUSES)}")
        if key == "restart-policy" and value not in RESTART_POLICIES:
            raise InvalidArgument(f"{value} is an invalid restart policy")
        if key == "exited" and not value.isdigit():
            raise InvalidArgument(f"invalid exited filter {value!r}: use an exit code")
        by_key.setdefault(key, []).append(value)
    return Filters({k: tuple(v) for k, v in by_key.items()})


def sort_key(name: str) -> Callable[[ContainerSummary], Any]:
    try:
        return SORT_KEYS[name]
    except KeyError:
        raise InvalidArgument(
            f"invalid --sort {name!r}: use one of {', '.join(SORT_KEYS)}"
        ) from None


def tree_size(root: str) -> int:
    """Bytes in the regular files under ``root`` (hard links counted once)."""
    import os

    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total

"""``ps --filter`` and ``--sort``: which containers to list, in which order.

podman's rules (podman-ps(1), current podman): values of one key are
alternatives (any may match), except ``label``, whose values must all match
(and ``label!``, none of whose may); different keys must all match.
``status`` and ``exited`` filters look at all containers, as if ``--all``
had been given. ``before``, ``since`` and ``ancestor`` name other objects:
the engine looks them up once, through ``Lookups``, before matching.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hutch.api.container_list import ContainerSummary
from hutch.api.errors import InvalidArgument

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

# podman's container states (define.StringToContainerStatus); "stopped" is exited
STATUSES = (
    "created", "exited", "initialized", "paused", "removing", "running", "stopped",
    "stopping", "unknown",
)  # fmt: skip
# podman's names of restart policies for restart-policy= ("none" is podman's unset one,
# "", apart from an explicit "no")
RESTART_POLICIES = ("always", "no", "none", "on-failure", "unless-stopped")
KEYS = (
    "id", "name", "label", "label!", "exited", "status", "ancestor", "before", "since",
    "volume", "health", "pod", "network", "restart-policy", "until", "command",
    "should-start-on-boot",
)  # fmt: skip

SORT_KEYS: dict[str, Callable[[ContainerSummary], Any]] = {
    # podman's order (oldest first: its SortCreateTime), not Docker's; the API's
    # listing puts the newest first itself, as Docker's does
    "command": lambda c: " ".join(c.cmd),
    "created": lambda c: c.created,
    "id": lambda c: c.id,
    "image": lambda c: c.image,
    "names": lambda c: c.name,
    # the start time, never-started first (podman's SortPSRunningFor)
    "runningfor": lambda c: c.started_at,
    # the writable layer's bytes, measured with --size only: without it, the listing's order
    "size": lambda c: c.size or 0,
    "status": lambda c: c.status,
}
_NOT_HEX = r"[^0-9a-fA-F]"  # compiled at the first id filter (re caches it): not at import
_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
          "0": False, "f": False, "F": False, "FALSE": False, "false": False,
          "False": False}  # fmt: skip


@dataclass(frozen=True)
class Lookups:
    """What some filters name, found by the engine: a container's creation time
    (``before``/``since``; NoSuchObject in podman's words when there is none), the ids
    of an image and of the images built on it (``ancestor``; empty when the text names
    no local image), a container's id (``network=container:NAME``; None when there
    is none) and a network's name (``network=NAME|ID``; None when there is none)."""

    created_of: Callable[[str], float]
    image_ids_of: Callable[[str], tuple[str, ...]]
    container_id_of: Callable[[str], str | None] = lambda _name: None
    network_name_of: Callable[[str], str | None] = lambda text: text


def _no_lookups() -> Lookups:
    def created_of(name: str) -> float:
        raise InvalidArgument(f"{name}: no containers to compare with")

    return Lookups(created_of, lambda _name: ())


@dataclass(frozen=True)
class Filters:
    by_key: dict[str, tuple[str, ...]]
    # the bounds the lookups gave: created before ``before``/``until``, after ``since``
    before: float | None = None
    since: float | None = None
    until: float | None = None
    ancestors: tuple[str, ...] = ()  # image ids (hex), or text an image id contains
    start_on_boot: bool | None = None
    # the ids of the containers ``network=container:NAME`` names (a missing one: none)
    network_of: tuple[str, ...] = ()
    # the names of the networks ``network=NAME|ID`` names (a missing one: none)
    network_names: tuple[str, ...] = ()

    @property
    def needs_networks(self) -> bool:
        return "network" in self.by_key

    @property
    def shares_networks(self) -> bool:
        """A ``network=container:NAME`` filter: the engine resolves each container's
        ``--network container:OTHER`` to OTHER's id (ContainerSummary.network_mode)."""
        return any(v.startswith("container:") for v in self.by_key.get("network", ()))

    @property
    def implies_all(self) -> bool:
        return "status" in self.by_key or "exited" in self.by_key

    def match(self, c: ContainerSummary) -> bool:
        if self.before is not None and not c.created < self.before:
            return False
        if self.since is not None and not c.created > self.since:
            return False
        if self.until is not None and not c.created < self.until:
            return False
        if "ancestor" in self.by_key and not _ancestor(c, self.ancestors):
            return False
        if "network" in self.by_key and not _network(c, self.network_names, self.network_of):
            return False
        if self.start_on_boot is not None and _starts_on_boot(c) != self.start_on_boot:
            return False
        return all(
            _KEY_MATCHERS[key](c, values)
            for key, values in self.by_key.items()
            if key in _KEY_MATCHERS
        )


def _label_matches(labels: dict[str, str], item: str) -> bool:
    """``KEY`` or ``KEY=VALUE``; a ``*`` in KEY is a pattern any part of a label's key
    may match (containers/common's MatchLabelFilters)."""
    key, _, wanted = item.partition("=")
    for name, value in labels.items():
        if wanted and value != wanted:
            continue
        if name == key or ("*" in key and fnmatch.fnmatchcase(name, f"*{key}*")):
            return True
    return False


def _search(pattern: str, text: str) -> bool:
    """Go's regexp.MatchString, as podman uses it: an invalid pattern matches nothing."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _id(c: ContainerSummary, value: str) -> bool:
    """Hex is an id prefix; anything else a pattern (podman's FilterID)."""
    if re.search(_NOT_HEX, value):
        return _search(value, c.id)
    return c.id.startswith(value.lower())


def _ancestor(c: ContainerSummary, wanted: tuple[str, ...]) -> bool:
    digest = c.image_id.removeprefix("sha256:")
    return any(value in digest for value in wanted)


def _network(c: ContainerSummary, names: tuple[str, ...], shared: tuple[str, ...]) -> bool:
    """podman's ``network=NAME|ID`` (``names``: the networks' names), and Docker's
    ``network=container:NAME``, which matches the containers that joined NAME's
    network namespace (--network container:NAME) and, as podman's, no network by
    name."""
    mode, colon, target = c.network_mode.partition(":")
    if mode == "container" and colon:
        return target in shared
    return any(name in c.networks for name in names)


def _command(c: ContainerSummary, value: str) -> bool:
    """argv[0] of the command ``ps`` shows."""
    try:
        import shlex

        argv = shlex.split(c.command)
    except ValueError:
        argv = c.command.split()
    return bool(argv) and _search(value, argv[0])


def _starts_on_boot(c: ContainerSummary) -> bool:
    """podman's ShouldStartOnBoot: ``always``, or ``unless-stopped`` not stopped by
    the user."""
    if c.restart_policy == "always":
        return True
    return c.restart_policy == "unless-stopped" and not c.stopped_by_user


def _volume(c: ContainerSummary, value: str) -> bool:
    """podman's ``volume=NAME|MOUNTPOINT``, and its ``SOURCE:DESTINATION`` pair.

    A value names a volume, a bind mount's host path, or a mount's
    destination in the container; with a colon, the part before it names the
    volume or host path and the part after it the destination of that mount.
    """
    if not value:  # a bind mount's empty volume name is no match (podman lists none)
        return False
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


def _status(c: ContainerSummary, value: str) -> bool:
    return c.status == ("exited" if value == "stopped" else value)


_MATCHERS: dict[str, Callable[[ContainerSummary, str], bool]] = {
    "id": _id,
    # podman drops the slashes of Docker's "/name"
    "name": lambda c, v: _search(v.replace("/", ""), c.name),
    "status": _status,
    "exited": lambda c, v: c.status == "exited" and c.exit_code == int(v),
    "volume": _volume,
    # podman's pod=NAME|ID: the container's pod, by name or id prefix
    "pod": lambda c, v: bool(c.pod) and (c.pod_name == v or c.pod.startswith(v)),
    "restart-policy": lambda c, v: c.restart_policy == ("" if v == "none" else v),
    # the health check's status: starting, healthy, unhealthy ("" without a check)
    "health": lambda c, v: c.health == v,
    "command": _command,
}


def _any_value(key: str) -> Callable[[ContainerSummary, tuple[str, ...]], bool]:
    one = _MATCHERS[key]
    return lambda c, values: any(one(c, v) for v in values)


_KEY_MATCHERS: dict[str, Callable[[ContainerSummary, tuple[str, ...]], bool]] = {
    key: _any_value(key) for key in _MATCHERS
}
_KEY_MATCHERS["label"] = lambda c, values: all(_label_matches(dict(c.labels), v) for v in values)
_KEY_MATCHERS["label!"] = lambda c, values: (
    not any(_label_matches(dict(c.labels), v) for v in values)
)


def parse_filters(
    items: Sequence[str], lookups: Lookups | None = None, now: float | None = None
) -> Filters:
    """Check every ``KEY=VALUE`` in podman's words (InvalidArgument: exit 125) and
    look up what ``before``, ``since`` and ``ancestor`` name."""
    by_key: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise InvalidArgument(f'invalid filter "{item}"')  # podman's words
        if key not in KEYS:
            raise InvalidArgument(f"{key} is an invalid filter")  # podman's words
        _check(key, value)
        by_key.setdefault(key, []).append(value)
    bad = [v for v in by_key.get("restart-policy", []) if v not in RESTART_POLICIES]
    if bad:  # podman names them all, in its words
        what = "invalid restart policies" if len(bad) > 1 else "invalid restart policy"
        raise InvalidArgument(f"{', '.join(bad)} {what}")
    found = lookups or _no_lookups()
    before = _earliest(by_key.get("before", []), found)
    since = _earliest(by_key.get("since", []), found)
    until = _until(by_key.get("until", []), now)
    ancestors = tuple(i for v in by_key.get("ancestor", []) for i in _image_ids(v, found))
    network_of = tuple(
        found_id
        for v in by_key.get("network", [])
        if v.startswith("container:")
        and (found_id := found.container_id_of(v.partition(":")[2])) is not None
    )
    network_names = tuple(
        name
        for v in by_key.get("network", [])
        if not v.startswith("container:") and (name := found.network_name_of(v)) is not None
    )
    boot = by_key.get("should-start-on-boot", [])
    start_on_boot = _BOOLS[boot[-1]] if boot else None  # the last one counts, as podman's
    return Filters(
        {k: tuple(v) for k, v in by_key.items()},
        before=before,
        since=since,
        until=until,
        ancestors=ancestors,
        start_on_boot=start_on_boot,
        network_of=network_of,
        network_names=network_names,
    )


def _check(key: str, value: str) -> None:
    if key == "status" and value not in STATUSES:
        raise InvalidArgument(f"unknown container state: {value}: invalid argument")
    if key == "exited":
        _exit_code(value)
    if key == "should-start-on-boot" and value not in _BOOLS:
        raise InvalidArgument(f'strconv.ParseBool: parsing "{value}": invalid syntax')


def _exit_code(value: str) -> int:
    """An int32 as Go's strconv.ParseInt reads it; podman's (odd) words otherwise."""
    if re.fullmatch(r"[+-]?\d+", value) is None:
        raise InvalidArgument(
            f"exited code out of range '\\x00': strconv.ParseInt: "
            f'parsing "{value}": invalid syntax'
        )
    code = int(value)
    if not -(2**31) <= code < 2**31:
        raise InvalidArgument(
            f"exited code out of range '\ufffd': strconv.ParseInt: "
            f'parsing "{value}": value out of range'
        )
    return code


def _earliest(names: list[str], lookups: Lookups) -> float | None:
    """The earliest creation time of the named containers (podman's bound for both
    ``before`` and ``since`` when several are given)."""
    times = [lookups.created_of(name) for name in names]
    return min(times) if times else None


def _until(values: list[str], now: float | None) -> float | None:
    if not values:
        return None
    from hutch.util.timestamps import TimestampError, filter_timestamp

    if len(values) != 1:
        raise InvalidArgument("specify exactly one timestamp for until")
    try:
        return filter_timestamp(values[0], time.time() if now is None else now)
    except TimestampError as exc:
        raise InvalidArgument(str(exc)) from None


def _image_ids(value: str, lookups: Lookups) -> tuple[str, ...]:
    """The ids (hex) of the image ``value`` names and of its descendants (podman-ps(1):
    "Image or descendant used to create container", as Docker's); else the text
    itself, which matches the containers whose image id contains it (podman's
    passthrough)."""
    found = lookups.image_ids_of(value)
    if found:
        return tuple(i.removeprefix("sha256:") for i in found)
    return (value.removeprefix("sha256:"),)


def sort_key(name: str) -> Callable[[ContainerSummary], Any]:
    try:
        return SORT_KEYS[name]
    except KeyError:
        choices = ", ".join(SORT_KEYS)  # podman's flag check, in its words
        raise InvalidArgument(
            f'invalid argument "{name}" for "--sort" flag: "{name}" is not a valid value.  '
            f'Choose from: "{choices}"'
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

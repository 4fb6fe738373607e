"""``--userns``, ``--uidmap``/``--gidmap``, ``--subuidname``/``--subgidname``: parsed and checked.

In rootless mode the "host" ids of a map are ids of the session user
namespace (podman's intermediate namespace): 0 is the user, 1.. the
subordinate range. A map must be one-to-one and stay inside that range.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hutch.api.container_config import SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.runtime.ids import IdMapEntry, IdRange

MODES = ("", "host", "keep-id", "nomap", "auto", "private")
# Modes that join a namespace there is (container:NAME, ns:PATH): rootless, the
# session's is the one they can join (userns_plan.py)
JOIN_MODES = ("container", "ns")
# Modes that run the container in the session namespace itself.
SESSION_MODES = ("", "host")
# podman's words for private without a map (rootless podman cannot make one either)
NO_MAPPING = "must provide at least one UID or GID mapping to configure a user namespace"


@dataclass(frozen=True)
class UsernsMode:
    mode: str
    uid: int | None = None  # keep-id:uid=
    gid: int | None = None  # keep-id:gid=
    size: int | None = None  # auto:size=
    target: str = ""  # container:NAME's name, ns:PATH's path


def parse_mode(text: str | None) -> UsernsMode:
    if not text:
        return UsernsMode("")
    mode, _, rest = text.partition(":")
    if mode in JOIN_MODES:
        if not rest:
            raise InvalidArgument(f"must provide a {'path' if mode == 'ns' else 'container'}"
                                  f" for --userns {mode}:")  # fmt: skip
        return UsernsMode(mode, target=rest)
    if mode not in MODES:  # podman's words for a mode it does not know
        raise InvalidArgument(f"unrecognized namespace mode {text} passed")
    values: dict[str, int] = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        allowed = {"keep-id": ("uid", "gid"), "auto": ("size",)}.get(mode, ())
        if mode == "keep-id" and key not in (*allowed, "size"):
            raise InvalidArgument(f'unknown option specified: "{key}"')  # podman's words
        if not sep or key not in allowed or not value.isdigit():
            raise InvalidArgument(f"invalid --userns {text!r}: unexpected option {item!r}")
        values[key] = int(value)
    return UsernsMode(mode, values.get("uid"), values.get("gid"), values.get("size"))


def parse_map(items: tuple[str, ...], flag: str) -> tuple[IdMapEntry, ...]:
    """``CONTAINER:HOST:SIZE`` items, one-to-one (no overlap on either side)."""
    entries = []
    for item in items:
        parts = item.split(":")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise InvalidArgument(f"invalid {flag} {item!r}: expected CONTAINER:HOST:SIZE")
        inside, outside, count = (int(p) for p in parts)
        if count == 0:
            raise InvalidArgument(f"invalid {flag} {item!r}: the size must be at least 1")
        if inside + count > 1 << 32 or outside + count > 1 << 32:
            raise InvalidArgument(f"invalid {flag} {item!r}: ids must stay below 2^32")
        entries.append(IdMapEntry(inside, outside, count))
    check_one_to_one(tuple(entries), flag)
    return tuple(entries)


def check_one_to_one(entries: tuple[IdMapEntry, ...], flag: str) -> None:
    """Refuse ranges that overlap on either side, or more than the kernel takes."""
    for side in ("inside", "outside"):
        spans = sorted((getattr(e, side), getattr(e, side) + e.count) for e in entries)
        for (_a, end), (start, _b) in itertools.pairwise(spans):
            if start < end:
                raise InvalidArgument(f"invalid {flag}: the ranges overlap on the {side} side")
    if len(entries) > 340:
        raise InvalidArgument(f"invalid {flag}: the kernel accepts at most 340 ranges")


def check_within(entries: tuple[IdMapEntry, ...], available: int, flag: str) -> None:
    """Refuse a map whose host ids the session namespace does not have."""
    for e in entries:
        if e.outside + e.count > available:
            raise InvalidArgument(
                f"impossible {flag} {e.inside}:{e.outside}:{e.count}: the session namespace "
                f"maps only ids 0-{available - 1} (the user and the subordinate range)"
            )


def parse_userns_options(options: SecurityOptions) -> UsernsMode:
    """The cheap checks (syntax, combinations), before anything is created."""
    mode = parse_mode(options.userns)
    uidmap = parse_map(options.uidmap, "--uidmap")
    gidmap = parse_map(options.gidmap, "--gidmap")
    if mode.mode == "private":
        # a namespace of the container's own: from the maps given (as without --userns)
        if not (uidmap or gidmap or options.subuidname or options.subgidname):
            raise InvalidArgument(NO_MAPPING)
        mode = UsernsMode("")
    if (uidmap or gidmap) and mode.mode:
        raise InvalidArgument("--userns cannot be combined with --uidmap/--gidmap")
    if (options.subuidname or options.subgidname) and (mode.mode or uidmap or gidmap):
        raise InvalidArgument("--subuidname/--subgidname cannot be combined with --userns or maps")
    if mode.mode == "auto" and mode.size is not None and mode.size == 0:
        raise InvalidArgument("invalid --userns auto:size=0: the size must be at least 1")
    return mode


# -- the maps of a per-container namespace (pure; ids of the session namespace) --


def keep_id_map(inside: int, available: int) -> tuple[IdMapEntry, ...]:
    """podman's keep-id: ``inside`` is the user (session 0), 0.. the subordinate ids.

    Container ids below ``inside`` take session ids 1..inside, the ids above
    it keep their own number, so the map stays one-to-one.
    """
    if available < 2:
        raise InvalidArgument(_NO_RANGE.format(mode="--userns keep-id"))
    entries = []
    below = min(inside, available - 1)
    if below:
        entries.append(IdMapEntry(0, 1, below))
    entries.append(IdMapEntry(inside, 0, 1))
    above = available - (inside + 1)
    if above > 0:
        entries.append(IdMapEntry(inside + 1, inside + 1, above))
    return tuple(sorted(entries, key=lambda e: e.inside))


def nomap_map(available: int) -> tuple[IdMapEntry, ...]:
    """podman's nomap: the subordinate ids from container 0 on; the user is not mapped."""
    if available < 2:
        raise InvalidArgument(_NO_RANGE.format(mode="--userns nomap"))
    return (IdMapEntry(0, 1, available - 1),)


def subid_map(
    name: str,
    named: tuple[IdRange, ...],
    session: tuple[IdMapEntry, ...],
    flag: str,
) -> tuple[IdMapEntry, ...]:
    """``--subuidname NAME``: NAME's host ranges, which must be the user's own.

    Each host range is found in the session map (whose outside ids are host
    ids) and becomes consecutive container ids from 0.
    """
    if not named:
        raise InvalidArgument(f"{flag} {name}: no range for {name!r} in /etc/sub{flag[5:8]}")
    entries = []
    inside = 0
    for r in named:
        session_id = _session_id_of_host(session, r.start, r.count)
        if session_id is None:
            raise InvalidArgument(
                f"{flag} {name}: the range {r.start}-{r.start + r.count - 1} is not within "
                "your own subordinate ids, so it cannot be mapped rootless"
            )
        entries.append(IdMapEntry(inside, session_id, r.count))
        inside += r.count
    return tuple(entries)


def _session_id_of_host(session: tuple[IdMapEntry, ...], host: int, count: int) -> int | None:
    for e in session:
        if e.outside <= host and host + count <= e.outside + e.count:
            return e.inside + host - e.outside
    return None


def is_identity(entries: tuple[IdMapEntry, ...]) -> bool:
    return all(e.inside == e.outside for e in entries)


def map_size(entries: tuple[IdMapEntry, ...]) -> int:
    return sum(e.count for e in entries)


def lowest_inside(entries: tuple[IdMapEntry, ...]) -> int:
    return min(e.inside for e in entries)


_NO_RANGE = (
    "{mode} needs a subordinate id range (/etc/subuid and /etc/subgid): "
    "the session namespace maps only your own id"
)

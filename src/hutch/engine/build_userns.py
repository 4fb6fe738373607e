"""build's --userns and --userns-uid-map/-gid-map/-uid-map-user/-gid-map-group.

With a map, every RUN step runs in a user namespace of its own, nested in the
session's, whose "host" IDs are session IDs (0 = the user, 1.. = the
subordinate ones), as rootless buildah's are IDs of its rootless namespace. The
image is shown to the step with the map (fuse-overlayfs's uidmapping, or a
chowned copy of the layers per step where it cannot run), and the step's files
reach its upper dir, and so its layer, with the IDs the step sees: the image's,
unshifted (runtime/userns.py, runtime/userns_copy.py).

buildah's rules: a map flag takes one or more CONTAINER:HOST:SIZE triples, also
comma-separated; a user or group name takes its ranges from /etc/subuid or
/etc/subgid (either name stands for the other when only one is given), the
triples following them; a uid map alone serves for the gids too, and the other
way round. Rootless, a name's ranges are host IDs, found in the session's map
(podman 4.3.1 takes them as IDs of its namespace, which has none so high). A
namespace path is joined only when it is the session's (as run's ns:PATH).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hutch.api.build import BuildUserns
from hutch.api.errors import InvalidArgument
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec_userns import UsernsSpec

# the namespace hutch runs in (the session's); buildah's container and private
# without a map make one per step mapping all of its own IDs one to one: the same
_SESSION = ("", "host", "container", "private")
_SUBUID = Path("/etc/subuid")
_SUBGID = Path("/etc/subgid")


@dataclass(frozen=True)
class BuildUsernsPlan:
    """The flags checked for syntax: the triples, the names, a namespace path."""

    uid_map: tuple[IdMapEntry, ...] = ()
    gid_map: tuple[IdMapEntry, ...] = ()
    user: str = ""  # --userns-uid-map-user (or the group's name)
    group: str = ""  # --userns-gid-map-group (or the user's name)
    path: str = ""  # --userns PATH or ns:PATH

    @property
    def mapped(self) -> bool:
        return bool(self.uid_map or self.gid_map or self.user)


def parse_triples(items: tuple[str, ...], flag: str) -> tuple[IdMapEntry, ...]:
    """CONTAINER:HOST:SIZE triples, each item one or more separated by commas;
    one-to-one and within the kernel's limits (run's --uidmap checks)."""
    from hutch.engine.userns import parse_map

    triples = []
    for item in items:
        for part in item.split(","):
            fields = part.strip().split(":")
            if len(fields) != 3 or not all(f.isdigit() for f in fields):
                # podman's words
                raise InvalidArgument(
                    f'mapping "{item}" is not in the form containerid:hostid:size[,...]'
                )
            triples.append(part.strip())
    return parse_map(tuple(triples), flag)


def parse_build_userns(options: BuildUserns) -> BuildUsernsPlan:
    """The cheap checks, before anything runs."""
    uid_map = parse_triples(options.uid_map, "--userns-uid-map")
    gid_map = parse_triples(options.gid_map, "--userns-gid-map")
    user = options.uid_map_user or options.gid_map_group or ""
    group = options.gid_map_group or user
    mode = options.userns
    path = ""
    if mode not in (None, *_SESSION):
        path = mode[3:] if mode.startswith("ns:") else mode
        _stat(path)
    plan = BuildUsernsPlan(uid_map, gid_map, user, group, path)
    if plan.mapped and mode == "host":
        # podman's words
        raise InvalidArgument("can not specify ID mappings while using host's user namespace")
    if plan.mapped and path:
        raise InvalidArgument(
            f"--userns {mode}: a namespace there is cannot take the --userns-*-map flags' maps"
        )
    return plan


def check_path(path: str) -> None:
    """--userns PATH: the session's own namespace, the one rootless hutch can join
    (the caller is in it: the engine entered the session)."""
    theirs = _stat(path)
    ours = os.stat("/proc/self/ns/user")
    if (theirs.st_dev, theirs.st_ino) != (ours.st_dev, ours.st_ino):
        raise InvalidArgument(
            f"--userns {path}: not the session's user namespace, the one rootless hutch "
            "can join (RUN steps run there with --userns host)"
        )


def _stat(path: str) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        # podman's words
        raise InvalidArgument(f"checking user namespace: stat {path}: {reason}") from None


def step_userns(
    plan: BuildUsernsPlan,
    session_uids: tuple[IdMapEntry, ...],
    session_gids: tuple[IdMapEntry, ...],
    driver: str,
) -> UsernsSpec:
    """Every RUN step's user namespace: none (the session's) without a map; else the
    maps in session IDs and how the image is shown with them."""
    from hutch.engine import userns as um

    if not plan.mapped:
        return UsernsSpec()
    uid_map, gid_map = plan.uid_map, plan.gid_map
    if plan.user:
        uid_map = _named(plan.user, _SUBUID, session_uids, "user", "subuid") + uid_map
        gid_map = _named(plan.group, _SUBGID, session_gids, "group", "subgid") + gid_map
        # the names' ranges and the triples together: one-to-one still
        um.check_one_to_one(uid_map, "--userns-uid-map")
        um.check_one_to_one(gid_map, "--userns-gid-map")
    uid_map, gid_map = uid_map or gid_map, gid_map or uid_map
    um.check_within(uid_map, um.map_size(session_uids), "--userns-uid-map")
    um.check_within(gid_map, um.map_size(session_gids), "--userns-gid-map")
    spec = UsernsSpec(mode="map", uid_map=uid_map, gid_map=gid_map)
    if um.is_identity(uid_map) and um.is_identity(gid_map):
        return spec
    from dataclasses import replace

    from hutch.engine.userns_plan import shift_method

    return replace(spec, shift=shift_method(driver))


def _named(
    name: str, path: Path, session: tuple[IdMapEntry, ...], what: str, kind: str
) -> tuple[IdMapEntry, ...]:
    from hutch.engine.userns import subid_map
    from hutch.runtime.ids import subordinate_ranges

    ranges = subordinate_ranges(path, name, -1)
    if not ranges:  # podman's words
        raise InvalidArgument(f'no {kind} ranges found for {what} "{name}" in {path}')
    flag = "--userns-uid-map-user" if kind == "subuid" else "--userns-gid-map-group"
    return subid_map(name, ranges, session, flag)

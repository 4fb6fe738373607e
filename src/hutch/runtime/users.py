"""Resolving ``--user`` against the image's own /etc/passwd and /etc/group."""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import HutchError
from hutch.runtime.paths_in_root import resolve_in_root


@dataclass(frozen=True)
class ResolvedUser:
    uid: int
    gid: int
    additional_gids: tuple[int, ...]
    home: str


def read_db(root: str, path: str) -> list[list[str]]:
    """The image's /etc/passwd or /etc/group as fields ([] when missing)."""
    return _read_db(root, path)


def _read_db(root: str, path: str) -> list[list[str]]:
    try:
        with open(resolve_in_root(root, path), errors="replace") as f:
            return [
                line.rstrip("\n").split(":")
                for line in f
                if line.strip() and not line.startswith("#")
            ]
    except OSError:
        return []


def resolve_user(root: str, spec: str, *, primary_too: bool = True) -> ResolvedUser:
    """Turn ``user[:group]`` (names or numbers) into ids, as podman does. A container's
    process given a user has its primary group among the supplementary ones too
    (``primary_too``); podman's exec does not add it."""
    user_part, _, group_part = (spec or "0").partition(":")
    for part in (user_part, group_part):
        _check_range(part)
    passwd = [e for e in _read_db(root, "/etc/passwd") if len(e) >= 7]
    entry = None
    for e in passwd:
        if e[0] == user_part or (user_part.isdigit() and e[2] == user_part):
            entry = e
            break
    if entry is not None:
        uid, gid, home, name = int(entry[2]), int(entry[3]), entry[5], entry[0]
    elif user_part.isdigit():
        uid, gid, home, name = int(user_part), 0, "/", ""
    else:
        raise HutchError(f"unable to find user {user_part}: no matching entries in passwd file")
    groups = [e for e in _read_db(root, "/etc/group") if len(e) >= 4]
    if group_part:
        gid = _resolve_group(groups, group_part)
    extra = {
        int(g[2])
        for g in groups
        if name and name in g[3].split(",") and g[2].isdigit() and int(g[2]) != gid
    }
    if spec and primary_too:
        # A user given by --user or the image's USER also has its primary group
        # among the supplementary ones, as podman sets it (`id` shows groups=GID);
        # the default root has none.
        extra.add(gid)
    return ResolvedUser(uid, gid, tuple(sorted(extra)), home or "/")


MAX_ID = 2**31 - 1  # runc's user package: ids are Go ints of 32 bits


def _check_range(part: str) -> None:
    """A number out of 0..MAX_ID is refused in runc's words (``-u -1``); a name is
    looked up as one."""
    digits = part[1:] if part[:1] in ("+", "-") else part
    if digits.isascii() and digits.isdigit() and not 0 <= int(part) <= MAX_ID:
        raise HutchError(f"uids and gids must be in range 0-{MAX_ID}")


def _resolve_group(groups: list[list[str]], group: str) -> int:
    for g in groups:
        if g[0] == group and g[2].isdigit():
            return int(g[2])
    if group.isdigit():
        return int(group)
    raise HutchError(f"unable to find group {group}: no matching entries in group file")


def resolve_group(root: str, group: str) -> int:
    """A group name (from the image's /etc/group) or number, as ``--group-add`` takes it."""
    if group.isdigit():
        return int(group)
    return _resolve_group([e for e in _read_db(root, "/etc/group") if len(e) >= 4], group)

"""The user-namespace part of the runtime spec: a container's own id maps.

Empty maps (the default) keep today's behaviour: the container runs in the
session user namespace (``--userns=host``). Otherwise the monitor makes a
user namespace nested in the session namespace with these maps, whose
"outside" ids are ids of the session namespace (0 = the user, 1.. = the
subordinate range).
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.runtime.ids import IdMapEntry

# How the image's files (owned by session ids) are shown with the container's
# maps: "" (the maps are the identity on the ids the image uses, nothing to
# do), "fuse-overlayfs" (its uidmapping=/gidmapping= options shift ownership
# on the fly, no copy) or "copy" (the lower layers are copied and chowned
# into the container's own directory once, before its first start).
SHIFT_NONE = ""
SHIFT_FUSE = "fuse-overlayfs"
SHIFT_COPY = "copy"


@dataclass(frozen=True)
class UsernsSpec:
    mode: str = ""  # "", keep-id, nomap, auto, map (explicit --uidmap/--subuidname)
    uid_map: tuple[IdMapEntry, ...] = ()
    gid_map: tuple[IdMapEntry, ...] = ()
    shift: str = SHIFT_NONE
    # keep-id: a line for the container's /etc/passwd (and /etc/group) when
    # the image has no entry for the user's uid (gid).
    passwd_entry: str = ""
    group_entry: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.uid_map)


def maps_cover(entries: tuple[IdMapEntry, ...], inside_id: int) -> bool:
    return any(e.inside <= inside_id < e.inside + e.count for e in entries)

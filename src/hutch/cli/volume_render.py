"""What several ``hutch volume`` verbs show: the JSON and ``--format`` fields."""

from __future__ import annotations

# the package loads its values (and datetime) at the first use: a default table has none
from hutch.util import gotemplate

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.volume_options import VolumeSummary
    from hutch.util.gotemplate import Struct

HEADERS = {"Name": "VOLUME NAME", "Driver": "DRIVER", "Mountpoint": "MOUNTPOINT"}


# podman's InspectVolumeData tags these omitempty: its JSON leaves out a zero owner,
# a volume that is not anonymous and the copy-up and chown that are done, while a
# template still sees them ({{.UID}} prints 0)
_OMITEMPTY = ("Status", "UID", "GID", "Anonymous", "NeedsCopyUp", "NeedsChown", "Timeout",
              "StorageID")  # fmt: skip


def json_of(volume: VolumeSummary) -> Struct:
    """``volume inspect`` (and ``ls --format json``): podman's keys."""
    fields = {
        "Name": volume.name,
        "Driver": volume.driver,
        "Mountpoint": volume.mountpoint,
        "CreatedAt": gotemplate.GoTime.from_timestamp(volume.created, local=True),
        "Status": None,  # a volume plugin's: hutch has none
        "Labels": dict(volume.labels),
        "Scope": "local",
        "Options": dict(volume.options),
        "UID": volume.uid,
        "GID": volume.gid,
        "Anonymous": volume.anonymous,
        "MountCount": volume.mount_count,
        "NeedsCopyUp": volume.needs_copy_up,
        "NeedsChown": volume.needs_chown,
        "Timeout": 0,  # a plugin's timeout
        "StorageID": "",  # an image volume's storage container (hutch makes none)
        # current podman's (4.3.1 has none): the number of its libpod lock; hutch's
        # store locks with one file, so every volume shows 0
        "LockNumber": 0,
    }
    return gotemplate.Struct(
        "*define.InspectVolumeData", fields, {k: f"{k},omitempty" for k in _OMITEMPTY}
    )


def ls_row(data: Struct) -> dict[str, Any]:
    """A ``volume ls --format`` row: podman's VolumeListReport embeds the inspect data,
    so its fields are there twice (flat and as ``.InspectVolumeData``), with the two
    fields a volume plugin would fill (``Status``, ``Timeout``)."""
    return {**data, "Status": None, "Timeout": 0, "InspectVolumeData": data}

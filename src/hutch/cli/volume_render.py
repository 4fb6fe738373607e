"""What several ``hutch volume`` verbs show: the JSON and ``--format`` fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hutch.util.gotemplate import GoTime

if TYPE_CHECKING:
    from hutch.api.volumes import VolumeSummary

HEADERS = {"Name": "VOLUME NAME", "Driver": "DRIVER", "Mountpoint": "MOUNTPOINT"}


def json_of(volume: VolumeSummary) -> dict[str, Any]:
    """``volume inspect`` (and ``ls --format json``): podman's keys."""
    return {
        "Name": volume.name,
        "Driver": volume.driver,
        "Mountpoint": volume.mountpoint,
        "CreatedAt": GoTime.from_timestamp(volume.created, local=True),
        "Labels": dict(volume.labels),
        "Scope": "local",
        "Options": dict(volume.options),
        "UID": volume.uid,
        "GID": volume.gid,
        "Anonymous": volume.anonymous,
        "MountCount": len(volume.users),
        "NeedsCopyUp": volume.needs_copy_up,
        "NeedsChown": volume.needs_chown,
    }


def ls_row(data: dict[str, Any]) -> dict[str, Any]:
    """A ``volume ls --format`` row: podman's VolumeListReport embeds the inspect data,
    so its fields are there twice (flat and as ``.InspectVolumeData``), with the two
    fields a volume plugin would fill (``Status``, ``Timeout``)."""
    return {**data, "Status": None, "Timeout": 0, "InspectVolumeData": data}

"""Volumes as Docker shows them (``GET /volumes``, ``/volumes/{name}``) and the
create body -> hutch's options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hutch.api.common import PruneReport
from hutch.api.errors import InvalidArgument
from hutch.api.volumes import VolumeCreateOptions, VolumeSummary
from hutch.service.docker.jsonread import Body
from hutch.service.docker.timefmt import rfc3339

JSON = dict[str, Any]


def volume_json(volume: VolumeSummary, usage: bool = False) -> JSON:
    """One volume; ``usage`` adds ``UsageData`` (system df): its users, size unknown (-1)."""
    out: JSON = {
        "CreatedAt": rfc3339(volume.created),
        "Driver": volume.driver,
        "Labels": dict(volume.labels) or None,
        "Mountpoint": volume.mountpoint,
        "Name": volume.name,
        "Options": dict(volume.options) or None,
        "Scope": "local",
    }
    if usage:
        out["UsageData"] = {"RefCount": len(volume.users), "Size": -1}
    return out


def volume_list(volumes: Sequence[VolumeSummary]) -> JSON:
    return {"Volumes": [volume_json(v) for v in volumes], "Warnings": None}


def volume_create_options(body: object) -> VolumeCreateOptions:
    """``POST /volumes/create``: Name, Driver, DriverOpts, Labels. An existing volume of
    that name is answered as it is (Docker's create is idempotent)."""
    request = Body(body, "")
    driver = request.text("Driver") or "local"
    if driver != "local":
        raise InvalidArgument(f"Driver {driver!r}: the only volume driver is local")
    if request.given("ClusterVolumeSpec"):
        raise InvalidArgument("ClusterVolumeSpec: cluster volumes are not supported")
    return VolumeCreateOptions(
        name=request.text("Name") or None,
        driver=driver,
        options=tuple(f"{k}={v}" for k, v in request.text_map("DriverOpts").items()),
        labels=tuple(f"{k}={v}" for k, v in request.text_map("Labels").items()),
        ignore=True,
    )


def volume_prune(reports: Sequence[PruneReport]) -> JSON:
    done = [r for r in reports if r.error is None]
    return {
        "VolumesDeleted": [r.id for r in done] or None,
        "SpaceReclaimed": sum(r.size for r in done),
    }

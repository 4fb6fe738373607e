"""The mount flags of ``run`` and ``create``, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import VolumeOptions


Volume = Annotated[
    list[str] | None,
    typer.Option(
        "--volume",
        "-v",
        help="Mount a volume or host path: [SOURCE:]DEST[:OPTIONS] (ro, rw, U, z, Z, noexec, "
        "nosuid, nodev, rbind, bind, nocopy, propagation).",
    ),
]
MountFlag = Annotated[
    list[str] | None,
    typer.Option(
        "--mount",
        help="Attach a mount: type=bind|volume|tmpfs|devpts,src=...,dst=...[,ro][,...].",
    ),
]
Tmpfs = Annotated[
    list[str] | None,
    typer.Option("--tmpfs", help="Mount a tmpfs: DEST[:OPTIONS] (size=, mode=, ro, exec...)."),
]
VolumesFrom = Annotated[
    list[str] | None,
    typer.Option(
        "--volumes-from", help="Mount the volumes of another container: CONTAINER[:ro|rw]."
    ),
]


def to_options(
    *,
    volume: list[str] | None,
    mount: list[str] | None,
    tmpfs: list[str] | None,
    volumes_from: list[str] | None,
) -> VolumeOptions:
    from hutch.api.container_config import VolumeOptions

    return VolumeOptions(
        volumes=tuple(volume or ()),
        mounts=tuple(mount or ()),
        tmpfs=tuple(tmpfs or ()),
        volumes_from=tuple(volumes_from or ()),
    )

"""The options and reports of the ``volume`` verbs.

Apart from the verbs' protocol (api/volumes.py, which re-exports them: a Protocol
needs ``typing``) so that the volume engine and ``volume ls`` load neither (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VolumeCreateOptions:
    name: str | None = None  # None: a random name
    driver: str = "local"
    options: tuple[str, ...] = ()  # KEY=VALUE: type, o, device; copy, nocopy
    labels: tuple[str, ...] = ()  # KEY[=VALUE]
    ignore: bool = False  # an existing volume of that name is not an error
    # --uid/--gid: its directory's owner in the container's ids (None: o=uid=/gid= or 0);
    # unlike o=uid=, not among its options
    uid: int | None = None
    gid: int | None = None


@dataclass(frozen=True)
class VolumeListOptions:
    filters: tuple[str, ...] = ()  # name=, label=KEY[=VALUE], dangling=true|false, driver=


@dataclass(frozen=True)
class VolumeRemoveOptions:
    force: bool = False  # remove the containers that use it first
    all: bool = False
    timeout: int | None = None  # --time: their stop's timeout (None: each container's own)


@dataclass(frozen=True)
class VolumeSummary:
    """One volume, as ``volume ls`` and ``volume inspect`` show it."""

    name: str
    driver: str
    mountpoint: str
    created: float
    labels: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    anonymous: bool = False
    needs_copy_up: bool = False
    needs_chown: bool = False
    users: tuple[str, ...] = ()  # ids of the containers that mount it
    # podman's MountCount: the mounts it holds now, which only a volume that needs
    # mounting has (a tmpfs, a device, another driver): one per running user
    mount_count: int = 0
    uid: int = 0  # its directory's owner in the container's ids (o=uid=N,gid=N)
    gid: int = 0

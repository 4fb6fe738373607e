"""Volume options: the mount flags of ``run``/``create`` and the ``volume`` verbs.

The mount flags are kept as the user typed them; the engine parses them
(``hutch.volumes.specs``) and refuses bad ones before anything is created.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VolumeOptions:
    """``-v``, ``--mount``, ``--tmpfs`` and ``--volumes-from`` of run/create."""

    volumes: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()
    tmpfs: tuple[str, ...] = ()
    volumes_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class VolumeCreateOptions:
    name: str | None = None  # None: a random name
    driver: str = "local"
    options: tuple[str, ...] = ()  # KEY=VALUE: type, o, device
    labels: tuple[str, ...] = ()  # KEY[=VALUE]
    ignore: bool = False  # an existing volume of that name is not an error


@dataclass(frozen=True)
class VolumeListOptions:
    filters: tuple[str, ...] = ()  # name=, label=KEY[=VALUE], dangling=true|false, driver=


@dataclass(frozen=True)
class VolumeRemoveOptions:
    names: tuple[str, ...] = ()
    force: bool = False  # remove the containers that use it first
    all: bool = False


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
    users: tuple[str, ...] = ()  # ids of the containers that mount it

"""What ``compose down [SERVICE...]`` removes, decided before anything is removed.

As docker compose: without services, every container of the project (orphans
too with ``--remove-orphans``), every network the file declares and, with
``-v``, every volume it declares (external ones never). With services named,
only those services' containers (and the orphans with ``--remove-orphans``);
``compose run``'s one-off containers only with ``--remove-orphans`` (docker
compose v2 lists them only then: those of the services removed, and the
finished ones of any service, as its orphans; a running one-off of another
service is somebody's session and stays);
a network or volume those services use is removed only when no container left
in the project uses it too (docker compose tries and reports "Resource is still
in use"); the other networks and volumes are not touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hutch.api.errors import InvalidArgument


@dataclass(frozen=True)
class Member:
    """One existing container of the project: its name and its service label;
    ``one_off``: made by ``compose run``; ``finished``: it ran and exited."""

    name: str
    service: str
    one_off: bool = False
    finished: bool = False


def is_orphan(member: Member, known: set[str]) -> bool:
    """docker compose's orphan (``up``, ``create`` and ``down --remove-orphans``): a
    finished one-off, or a container of a service the files lack (``known``: their
    services, those the profiles leave out too)."""
    return member.finished if member.one_off else member.service not in known


@dataclass(frozen=True)
class Teardown:
    containers: tuple[str, ...]
    networks: tuple[str, ...]  # real names, to remove when there
    volumes: tuple[str, ...]  # real names (``-v``), to remove when there
    in_use: tuple[tuple[str, str], ...]  # (Network|Volume, real name) left: still used


def _networks(service: Mapping[str, Any]) -> set[str]:
    return set(service.get("networks") or {})


def _volumes(service: Mapping[str, Any]) -> set[str]:
    mounts = service.get("volumes") or []
    return {m["source"] for m in mounts if m.get("type") == "volume" and m.get("source")}


def _resources(
    model: Mapping[str, Any],
    kind: str,
    used: Callable[[Mapping[str, Any]], set[str]],
    named: tuple[str, ...],
    left: set[str],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The real names of the declared ``kind`` (networks or volumes) to remove, and
    of those left because a remaining service uses them; never an external one."""
    services: Mapping[str, Mapping[str, Any]] = model.get("services") or {}
    declared: Mapping[str, Any] = model.get(kind) or {}
    wanted = set().union(*(used(services.get(s, {})) for s in named)) if named else set(declared)
    busy = set().union(*(used(services.get(s, {})) for s in left)) if named else set()
    keys = [k for k in declared if k in wanted and not declared[k].get("external")]
    return (
        tuple(declared[k]["name"] for k in keys if k not in busy),
        tuple(declared[k]["name"] for k in keys if k in busy),
    )


def teardown(
    model: Mapping[str, Any],
    known: Iterable[str],
    existing: Iterable[Member],
    named: tuple[str, ...] = (),
    remove_orphans: bool = False,
    volumes: bool = False,
) -> Teardown:
    """``model``: the normalised file; ``known``: the services it has (disabled ones
    too); ``existing``: the project's containers. An unknown name in ``named`` is
    refused here, before anything is removed."""
    known = set(known)
    for name in named:
        if name not in known:
            raise InvalidArgument(f"no such service: {name}")
    chosen = set(named or known)
    # without --remove-orphans docker compose does not see the one-offs at all
    members = [m for m in existing if remove_orphans or not m.one_off]
    orphan = remove_orphans  # docker compose: --remove-orphans with services too
    removed = [m for m in members if m.service in chosen or (orphan and is_orphan(m, known))]
    left = {m.service for m in members if m not in removed}
    networks, busy_networks = _resources(model, "networks", _networks, named, left)
    volumes_, busy_volumes = _resources(model, "volumes", _volumes, named, left)
    return Teardown(
        containers=tuple(m.name for m in removed),
        networks=networks,
        volumes=volumes_ if volumes else (),
        in_use=(
            *(("Network", name) for name in busy_networks),
            *(("Volume", name) for name in busy_volumes if volumes),
        ),
    )

"""The options and rows of ``pod ps``.

Apart from api/pods.py (which re-exports them) so that listing pods loads none of the
other pod verbs' classes, nor the container verbs' they name (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hutch.api.podman_json import key


@dataclass(frozen=True)
class ListPodsOptions:
    filters: tuple[str, ...] = ()  # KEY=VALUE: id, name, label, status, ctr-names, ...
    sort: str = "created"  # created (newest first), id, name, number, status


@dataclass(frozen=True)
class PodMember:
    """One container of a pod (the infra included)."""

    id: str = field(metadata=key("Id"))
    name: str = field(metadata=key("Name"))
    state: str = field(metadata=key("State"))  # created, running, exited, paused


@dataclass(frozen=True)
class PodSummary:
    """One row of ``pod ps``."""

    id: str
    name: str
    status: str  # Created, Running, Degraded, Paused, Exited, Stopped
    created: float
    infra_id: str
    labels: tuple[tuple[str, str], ...]
    members: tuple[PodMember, ...]
    networks: tuple[str, ...] = ()

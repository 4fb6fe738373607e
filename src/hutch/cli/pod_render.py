"""How pods are shown: ``pod ps`` rows, templates and JSON, as podman 4.3.1 prints them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from hutch.api.podman_json import go_time
from hutch.cli import render

if TYPE_CHECKING:
    from hutch.api.pods import PodSummary

HEADERS = {
    "ID": "POD ID",
    "InfraID": "INFRA ID",
    "NumberOfContainers": "# OF CONTAINERS",
    "ContainerIds": "IDS",
    "ContainerNames": "NAMES",
    "ContainerStatuses": "STATUS",
}


def row(p: PodSummary, *, no_trunc: bool = False) -> dict[str, Any]:
    """The template fields of podman's ``pod ps`` (a ListPodReporter)."""

    def short(text: str) -> str:
        return text if no_trunc else text[:12]

    return {
        "Cgroup": "",
        "ContainerIds": ",".join(short(m.id) for m in p.members),
        "ContainerNames": ",".join(m.name for m in p.members),
        "ContainerStatuses": ",".join(m.state for m in p.members),
        "Created": render.human_ago(p.created, time.time()),
        "ID": short(p.id),
        "Id": p.id,
        "InfraID": short(p.infra_id),
        "InfraId": p.infra_id,
        "Labels": dict(p.labels),
        "Name": p.name,
        "Namespace": "",
        "Networks": ",".join(p.networks),
        "NumberOfContainers": len(p.members),
        "Status": p.status,
    }


def json_of(p: PodSummary) -> dict[str, Any]:
    """One entry of ``pod ps --format json``, keys in podman's order."""
    return {
        "Cgroup": "",
        "Containers": [{"Id": m.id, "Names": m.name, "Status": m.state} for m in p.members],
        "Created": go_time(p.created),
        "Id": p.id,
        "InfraId": p.infra_id,
        "Name": p.name,
        "Namespace": "",
        "Networks": list(p.networks),
        "Status": p.status,
        "Labels": dict(p.labels) or None,
    }

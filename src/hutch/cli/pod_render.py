"""How pods are shown: ``pod ps`` rows, templates and JSON, as podman 4.3.1 prints them."""

from __future__ import annotations

import time

from hutch.api.podman_json import go_time
from hutch.cli import render

TYPE_CHECKING = False  # typing costs an import on pod ps's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

    from hutch.api.pod_list import PodSummary

# podman 4.3.1's ListPodReporter heads Id (its default table's column) with POD ID,
# and ID, InfraId and Networks with <no value> (they are no keys of its header map)
UNHEADED = frozenset({"ID", "InfraId", "Networks"})
HEADERS = {
    "Id": "POD ID",
    "InfraID": "INFRA ID",
    "NumberOfContainers": "# OF CONTAINERS",
    "ContainerIds": "IDS",
    "ContainerNames": "NAMES",
    "ContainerStatuses": "STATUS",
    "Namespace": "NAMESPACES",
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
        # podman's ListPodReporter: both spellings of each id, short without --no-trunc
        "ID": short(p.id),
        "Id": short(p.id),
        "InfraID": short(p.infra_id),
        "InfraId": short(p.infra_id),
        "Label": lambda key: dict(p.labels).get(key, ""),
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
        "Labels": dict(p.labels),  # podman's pod has a map, {} when empty
    }


# pod inspect's keys whose Go field is named otherwise, with the field's zero value:
# a template reaches a pod's limits and mounts by podman's Go names (``{{.Mounts}}``,
# ``{{.CPUPeriod}}``), which are there, empty, when the JSON leaves the key out
# (podman 4.3.1's InspectPodData, in its order; Labels, omitempty, is map[] then)
INSPECT_GO_FIELDS: tuple[tuple[str, str, Any], ...] = (
    ("Labels", "Labels", {}),
    ("cpu_period", "CPUPeriod", 0),
    ("cpu_quota", "CPUQuota", 0),
    ("cpu_shares", "CPUShares", 0),
    ("cpuset_cpus", "CPUSetCPUs", ""),
    ("cpuset_mems", "CPUSetMems", ""),
    ("mounts", "Mounts", []),
    ("devices", "Devices", []),
    ("device_read_bps", "BlkioDeviceReadBps", []),
    ("volumes_from", "VolumesFrom", []),
    ("security_opt", "SecurityOpts", []),
    ("memory_limit", "MemoryLimit", 0),
    ("memory_swap", "MemorySwap", 0),
    ("blkio_weight", "BlkioWeight", 0),
    ("blkio_weight_device", "BlkioWeightDevice", []),
    ("device_write_bps", "BlkioDeviceWriteBps", []),
)


def inspect_template_row(row: dict[str, Any]) -> dict[str, Any]:
    """A pod inspect row as its template sees it: those keys under their Go names."""
    renamed = {json_key for json_key, _, _ in INSPECT_GO_FIELDS}
    out = {k: v for k, v in row.items() if k not in renamed}
    for json_key, go_name, zero in INSPECT_GO_FIELDS:
        out[go_name] = row.get(json_key, zero)
    return out

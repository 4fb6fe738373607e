"""The deploy keys only a swarm acts on, which hutch compose accepts and ignores.

docker compose (without a swarm) and podman-compose run a stack file that has
them and ignore them; refusing them would make such a file unusable here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SWARM_ONLY = {
    "deploy.placement": "it places tasks on the nodes of a swarm; hutch runs on one host",
    "deploy.endpoint_mode": "it is a swarm's service discovery (vip or dnsrr); hutch's "
    "containers are found by name on the project's networks",
    "deploy.update_config": "it is a swarm's rolling update; up recreates changed containers "
    "in place",
    "deploy.rollback_config": "it is a swarm's rollback of a failed update",
    "deploy.restart_policy.delay": "a swarm waits between restarts; hutch's restart policy "
    "restarts at once",
    "deploy.restart_policy.window": "a swarm judges a restart by it; hutch's restart policy has "
    "no window",
    "deploy.resources.reservations.cpus": "a swarm schedules by it; a container on one host has "
    "no CPU reservation (cpu_shares sets a relative weight)",
    "deploy.resources.reservations.generic_resources": "they are a swarm node's resources",
}


def swarm_only_warnings(name: str, service: Mapping[str, Any]) -> list[str]:
    """What ``up`` ignores of ``service``'s deploy section, a line each with the reason."""
    deploy = service.get("deploy") or {}
    present = {f"deploy.{key}" for key in deploy}
    present |= {f"deploy.restart_policy.{k}" for k in deploy.get("restart_policy") or {}}
    reservations = (deploy.get("resources") or {}).get("reservations") or {}
    present |= {f"deploy.resources.reservations.{k}" for k in reservations}
    return [
        f"service {name!r}: {key} is ignored: {reason}"
        for key, reason in SWARM_ONLY.items()
        if key in present
    ]

"""The filters of Docker's ``GET /containers/json`` that ps has not: ``publish``,
``expose`` and ``health=none``.

podman-ps(1) has no ``publish`` or ``expose`` key (``hutch ps`` refuses them in
podman's words), and its ``health`` knows no ``none``; Docker's clients send all
three, so the API matches them here, on the listing the engine answered for
the other keys (engine/container_filters.py), with Docker's rules: a port is
``PORT[/PROTO]`` or ``START-END[/PROTO]`` (tcp by default), ``publish`` keeps
the containers that publish one of them, ``expose`` those that expose one
(published ports are exposed too), ``health=none`` those without a check.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.containers import ContainerListing
from hutch.service.errors import bad_request

HEALTH = ("starting", "healthy", "unhealthy", "none")


@dataclass(frozen=True)
class DockerListFilters:
    publish: frozenset[str] = frozenset()  # "80/tcp"
    expose: frozenset[str] = frozenset()
    health: frozenset[str] = frozenset()  # the check's status; "" for none
    wants_publish: bool = False
    wants_expose: bool = False

    @property
    def active(self) -> bool:
        return self.wants_publish or self.wants_expose or bool(self.health)

    def keeps(self, entry: ContainerListing) -> bool:
        summary = entry.summary
        published = {f"{inner}/{proto}" for _ip, _outer, inner, proto in summary.ports}
        if self.wants_publish and not self.publish & published:
            return False
        if self.wants_expose and not self.expose & (published | set(entry.exposed)):
            return False
        return not self.health or summary.health in self.health


def take_docker_filters(filters: dict[str, list[str]]) -> DockerListFilters:
    """Remove Docker's own keys from ``filters`` (the rest go to the engine) and parse
    them; a bad value is a 400 in Docker's words."""
    publish = filters.pop("publish", None)
    expose = filters.pop("expose", None)
    health = filters.pop("health", None)
    for value in health or ():
        if value not in HEALTH:
            raise bad_request(f"Unrecognised filter value for health: {value}")
    return DockerListFilters(
        publish=_ports("publish", publish or ()),
        expose=_ports("expose", expose or ()),
        health=frozenset("" if v == "none" else v for v in health or ()),
        wants_publish=publish is not None,
        wants_expose=expose is not None,
    )


def _ports(key: str, values: list[str] | tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for value in values:
        if ":" in value:
            raise bad_request(f"filter for '{key}' should not contain ':': {value}")
        port, _, proto = value.partition("/")
        start, dash, end = port.partition("-")
        try:
            first = int(start)
            last = int(end) if dash else first
        except ValueError:
            raise bad_request(f"error while looking up for {key} {port}: invalid port") from None
        if not 0 <= first <= last <= 65535:
            raise bad_request(f"error while looking up for {key} {port}: invalid port range")
        out.update(f"{p}/{(proto or 'tcp').lower()}" for p in range(first, last + 1))
    return frozenset(out)

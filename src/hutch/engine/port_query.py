"""``hutch port``: the published ports of containers, from their bundles' specs.

The ports are read from the spec's JSON (its ``network.ports`` objects, by the field
names the spec's codec writes) and each container from its record and state alone:
decoding the spec and the container's config loaded the spec's and the run options'
classes, about a third of ``port``'s start (issue 16). A spec whose ports do not read
so is decoded (``netquery.network_of``), as before.
"""

from __future__ import annotations

import contextlib
import json

from hutch.api.container_usage import PortReport, PublishedPort
from hutch.api.errors import InvalidArgument
from hutch.engine import container_state as cs
from hutch.runtime import state as st

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from hutch.engine.context import EngineContext


def container_ports(ctx: EngineContext, names: Sequence[str], all_: bool) -> list[PortReport]:
    """``hutch port``: the named containers, or (``-a``) every running one."""
    if all_ and names:
        raise InvalidArgument("--all and a container name cannot be used together")
    if not all_ and not names:
        raise InvalidArgument("give a container name or --all")
    if all_:
        found = [cs.located(ctx, r) for r in ctx.containers.all()]
        return [port_report(f) for f in found if f.state.status in st.LIVE]
    return [port_report(cs.located(ctx, cs.find(ctx, n))) for n in names]


def port_report(found: cs.Located) -> PortReport:
    return PortReport(found.record.id, found.record.name, published(found.dirs.userdata))


def published(bundle: Path) -> tuple[PublishedPort, ...]:
    """The ports the spec in ``bundle`` publishes (none without a spec)."""
    try:
        raw = (bundle / "config.json").read_bytes()
    except OSError:
        return ()
    with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
        ports = [
            PublishedPort(p["host_ip"], p["host_port"], p["container_port"], p["protocol"])
            for p in json.loads(raw)["network"]["ports"]
        ]
        if all(_typed(p) for p in ports):
            return tuple(ports)
    from hutch.engine import netquery

    decoded = netquery.network_in(raw).ports
    return tuple(
        PublishedPort(p.host_ip, p.host_port, p.container_port, p.protocol) for p in decoded
    )


def _typed(port: PublishedPort) -> bool:
    return (
        isinstance(port.host_ip, str)
        and type(port.host_port) is int
        and type(port.container_port) is int
        and isinstance(port.protocol, str)
    )

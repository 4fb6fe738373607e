"""What a container's network looks like from outside: ``hutch port`` and inspect's
``.NetworkSettings``, read from the runtime spec the container was created with."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence

from hutch.api.errors import InvalidArgument
from hutch.engine import container_state as cs
from hutch.engine.ports import exposed_keys
from hutch.runtime.spec_io import spec_from_json
from hutch.runtime.spec_network import NetworkSpec, PortMapping

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# api.containers' classes where a report is made: engine/networks.py imports this
# module for network_of, on the path of every create and start, which needs none of
# them (issue 16).
if TYPE_CHECKING:
    from pathlib import Path

    from hutch.api.containers import (
        InspectEndpoint,
        InspectNetworkSettings,
        InspectPortBinding,
    )


def network_of(container: cs.Container) -> NetworkSpec:
    """The network part of the container's spec (a container of an old bundle: none)."""
    with contextlib.suppress(OSError):
        return network_in((container.dirs.userdata / "config.json").read_bytes())
    return NetworkSpec()


def network_in(raw: bytes) -> NetworkSpec:
    """The network part of a spec's JSON (an undecodable one: none)."""
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return spec_from_json(raw).network
    return NetworkSpec()


def start_needs_networks(net: NetworkSpec) -> bool:
    """Whether a start has network work to do (``networks.before_start``): a container
    it joins (whose pid changes), or user networks. The default network, none and host
    have none, and their start loads no network code (issue 16)."""
    return (
        (net.mode == "join" and bool(net.join_container))
        or net.mode == "bridge"
        or _proxied(net.mode, net.port_proxy, net.runtime_dir)
    )


def _proxied(mode: str, port_proxy: object, runtime_dir: object) -> bool:
    """slirp4netns with published ports through the rootless namespace's port proxy."""
    return mode == "private" and port_proxy is True and bool(runtime_dir)


def start_needs_networks_at(bundle: Path) -> bool:
    """``start_needs_networks`` of the spec in ``bundle`` (a container's userdata), from
    the network object of its JSON alone: decoding the whole spec (``network_of``) walks
    the type hints of its 21 classes, which was 7 % of the instructions of ``run --rm``
    (issue 16). A spec it cannot read so is decoded, as before."""
    try:
        raw = (bundle / "config.json").read_bytes()
    except OSError:
        return start_needs_networks(NetworkSpec())
    with contextlib.suppress(ValueError, KeyError, TypeError):
        net = json.loads(raw)["network"]
        mode, joined = net["mode"], net["join_container"]
        if isinstance(mode, str) and isinstance(joined, str):
            if _proxied(mode, net.get("port_proxy"), net.get("runtime_dir")):
                return True
            return start_needs_networks(NetworkSpec(mode=mode, join_container=joined))
    return start_needs_networks(network_in(raw))


def port_bindings(
    container: cs.Container, published: Sequence[PortMapping]
) -> dict[str, tuple[InspectPortBinding, ...] | None]:
    """``{"443/tcp": null, "80/tcp": [{"HostIp": "", "HostPort": "8080"}]}``.

    The ports the image and ``--expose`` expose have null until published; the
    keys are in order, as in the JSON of podman's Go map.
    """
    from hutch.api.container_inspect import InspectPortBinding

    out: dict[str, tuple[InspectPortBinding, ...] | None] = {}
    expose = container.config.options.net.expose
    with contextlib.suppress(InvalidArgument):  # checked at create
        for key in exposed_keys(container.config.image_config.exposed_ports, expose):
            out[key] = None
    for p in published:
        key = f"{p.container_port}/{p.protocol}"
        out[key] = (*(out.get(key) or ()), InspectPortBinding(p.host_ip, str(p.host_port)))
    return {key: out[key] for key in sorted(out)}


def network_mode(container: cs.Container, net: NetworkSpec) -> str:
    """inspect's ``.HostConfig.NetworkMode`` in podman's words: the private network by
    the helper it runs on (``pasta``, ``slirp4netns``, podman's names for them, their
    options left out), user-defined networks ``bridge``; none, host and joins as given.
    ``net``: the container's (``network_of``), read once by inspect for this and
    ``network_settings``."""
    from hutch.engine import netconfig

    given = container.config.options.network or "private"
    what = netconfig.kind(given)
    if what == "private":
        return netconfig.helper_of(given) or net.backend or "pasta"
    if what == "bridge":
        return "bridge"
    return given


def network_settings(container: cs.Container, net: NetworkSpec) -> InspectNetworkSettings:
    """inspect's ``.NetworkSettings`` (Docker/podman keys) of ``container`` on ``net``."""
    from hutch.api.container_inspect import InspectNetworkSettings

    state = container.state
    networks = endpoints(net)
    first = net.attachments[0] if net.attachments else None
    address = first.address if first else (net.address if net.mode == "private" else "")
    gateway = first.gateway if first else (net.gateway if net.mode == "private" else "")
    return InspectNetworkSettings(
        endpoint_id="",
        gateway=gateway,
        ip_address=address,
        ip_prefix_len=first.prefix if first else (24 if net.mode == "private" else 0),
        mac_address=first.mac if first else "",
        bridge=first.bridge if first else "",
        networks=networks,
        ports=port_bindings(container, net.ports),
        sandbox_id="",
        sandbox_key=f"/proc/{state.pid}/ns/net" if state.pid else "",
        ipv6_gateway=first.gateway6 if first else "",
        global_ipv6_address=first.address6 if first else "",
        global_ipv6_prefix_len=first.prefix6 if first else 0,
    )


def endpoints(net: NetworkSpec) -> dict[str, InspectEndpoint]:
    """``.NetworkSettings.Networks``: one endpoint per network the container joined."""
    from hutch.api.container_inspect import InspectEndpoint

    return {
        a.network: InspectEndpoint(
            endpoint_id="",
            gateway=a.gateway,
            ip_address=a.address,
            ip_prefix_len=a.prefix,
            ipv6_gateway=a.gateway6,
            global_ipv6_address=a.address6,
            global_ipv6_prefix_len=a.prefix6,
            mac_address=a.mac,
            network_id=a.network,
            aliases=tuple(a.aliases),
            interface_name=a.interface,
        )
        for a in net.attachments
    }

"""nftables rule sets of the rootless network namespace, as text for ``nft -f -``.

Each network has a table of its own (``ip hutch_<bridge>``) and each container
with published ports one more (``ip hutchc_<id>``). A table is replaced in
one nft transaction (declare, delete, declare with content), so rewriting it
is idempotent and never leaves a half-made rule set, even when several
containers start at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TAP = "tap0"
# The mark (and the routing table) of packets that answer the port proxy's
# transparent sockets ("hu"); see ``hutch.net.portproxy``.
PROXY_MARK = 0x6875
PROXY_TABLE = "hutch_proxy"


@dataclass(frozen=True)
class Forward:
    protocol: str  # tcp or udp
    port: int  # the port on the namespace's tap0 (the host port)
    address: str  # the container's address
    container_port: int


def _replace(table: str, body: str) -> str:
    return f"table ip {table}\ndelete table ip {table}\ntable ip {table} {{\n{body}}}\n"


def network_table(bridge: str) -> str:
    return f"hutch_{bridge}"


def network_rules(bridge: str, subnet: str, internal: bool) -> str:
    """Isolation from the other networks; masquerade outward unless ``internal``."""
    peers = f'"{bridge}"' if internal else f'{{ "{bridge}", "{TAP}" }}'
    body = (
        "  chain forward {\n"
        "    type filter hook forward priority 0; policy accept;\n"
        f'    iifname "{bridge}" oifname != {peers} drop\n'
        f'    oifname "{bridge}" iifname != {peers} drop\n'
        "  }\n"
    )
    if not internal:
        body += (
            "  chain postrouting {\n"
            "    type nat hook postrouting priority 100; policy accept;\n"
            f'    ip saddr {subnet} oifname "{TAP}" masquerade\n'
            "  }\n"
        )
    return _replace(network_table(bridge), body)


def container_table(container_id: str) -> str:
    return f"hutchc_{container_id[:12]}"


def port_rules(container_id: str, forwards: Sequence[Forward]) -> str:
    """DNAT from the namespace's tap0 to the container: the client's address stays."""
    lines = "".join(
        f'    iifname "{TAP}" {f.protocol} dport {f.port} dnat to {f.address}:{f.container_port}\n'
        for f in forwards
    )
    body = (
        "  chain prerouting {\n"
        "    type nat hook prerouting priority -100; policy accept;\n"
        f"{lines}"
        "  }\n"
    )
    return _replace(container_table(container_id), body)


def transparent_rules() -> str:
    """Mark what comes back to a transparent socket of the port proxy: the
    container answers the client's address, which routes out through tap0
    unless the mark's policy route (``rootlessd``) delivers it here."""
    body = (
        "  chain prerouting {\n"
        "    type filter hook prerouting priority mangle; policy accept;\n"
        f"    meta l4proto {{ tcp, udp }} socket transparent 1 meta mark set {PROXY_MARK:#x}\n"
        "  }\n"
    )
    return _replace(PROXY_TABLE, body)


def delete_table(table: str) -> str:
    return f"table ip {table}\ndelete table ip {table}\n"

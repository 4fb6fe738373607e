"""A container whose spec has an address that it does not hold in the store takes
it at its start (``networks.before_start``).

Only a pod clone's infra and its original are so (``engine/pod_addresses.py``):
the clone keeps the original's static --ip/--ip6, as podman's clone does, and
the two hold it in turn. podman takes addresses at each start; hutch holds them
from create to rm, one holder per address, so the start of either pod takes the
static address over from the other when that one is not running, and is
refused in podman's words when it is (podman 4.3.1 refuses the start in the
same words). Each keeps its own row on the network, and its dynamic addresses
in it, all along: a clone's automatic IPv6 on a dual-stack network is its own
from the clone's creation, so no container made meanwhile is given it.
"""

from __future__ import annotations

from hutch.api.errors import Conflict, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.runtime.spec_network import Attachment, NetworkSpec
from hutch.store.networks import AttachmentRecord, NetworkStore, allocated


def claim(ctx: EngineContext, container_id: str, net: NetworkSpec) -> None:
    """Before a start: the addresses of the container's spec that it does not hold
    are taken from their holders, unless one of those runs (podman's IPAM error,
    exit 125)."""
    store = NetworkStore(ctx.conn)
    held = {a.network: a for a in store.attachments(container_id=container_id)}
    for wanted in net.attachments:
        mine = held.get(wanted.network)
        if mine and (mine.address, mine.address6) == (wanted.address, wanted.address6):
            continue
        try:
            store.find(wanted.network)
        except NoSuchObject as exc:
            raise Conflict(f"the container's network {wanted.network} is gone") from exc
        for holder in store.attachments(network=wanted.network):
            if holder.container_id == container_id:
                continue
            same = [x for x in (wanted.address, wanted.address6) if x in _addresses(holder)]
            if same and _running(ctx, holder.container_id):
                raise Conflict(allocated(same[0], holder.container_id))
        store.take(_record(container_id, wanted))


def _addresses(holder: AttachmentRecord) -> tuple[str, ...]:
    return tuple(x for x in (holder.address, holder.address6) if x)


def _running(ctx: EngineContext, container_id: str) -> bool:
    try:
        return cs.get(ctx, container_id).running
    except NoSuchObject:
        return False


def _record(container_id: str, a: Attachment) -> AttachmentRecord:
    position = int(a.interface.removeprefix("eth"))
    return AttachmentRecord(
        container_id, a.network, position, a.address, a.mac, a.aliases, a.address6
    )

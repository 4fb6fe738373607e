"""A container that keeps an address in its spec without holding it in the store
takes it at its start (``networks.before_start``).

Only a pod clone's infra is made so (``engine/pod_addresses.py``): it keeps the
original's static --ip, as podman's clone does, while the original holds it.
podman takes addresses at each start; hutch holds them from create to rm, one
holder per address, so the start of either pod takes the address over from
the other when that one is not running, and is refused in podman's words when
it is (podman 4.3.1 refuses the start in the same words).
"""

from __future__ import annotations

from hutch.api.errors import Conflict, HutchError, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine import netconfig
from hutch.engine.context import EngineContext
from hutch.runtime.spec_network import Attachment, NetworkSpec
from hutch.store.networks import AttachmentRecord, NetworkStore, allocated


def claim(ctx: EngineContext, container_id: str, net: NetworkSpec) -> None:
    """Before a start: the attachments of the container's spec that it does not hold
    (it was made with, or lost, an address another container holds) are taken
    from their holder, unless that one runs (podman's IPAM error, exit 125)."""
    store = NetworkStore(ctx.conn)
    held = {a.network for a in store.attachments(container_id=container_id)}
    for wanted in (a for a in net.attachments if a.network not in held):
        try:
            store.find(wanted.network)
        except NoSuchObject as exc:
            raise Conflict(f"the container's network {wanted.network} is gone") from exc
        holders = [h for h in store.attachments(network=wanted.network) if _same(h, wanted)]
        for holder in holders:
            if _running(ctx, holder.container_id):
                same4 = wanted.address and holder.address == wanted.address
                raise Conflict(
                    allocated(wanted.address if same4 else wanted.address6, holder.container_id)
                )
        store.take(_record(container_id, wanted), [h.container_id for h in holders])


def _same(holder: AttachmentRecord, wanted: Attachment) -> bool:
    return bool(
        (wanted.address and holder.address == wanted.address)
        or (wanted.address6 and holder.address6 == wanted.address6)
    )


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


def waiting(ctx: EngineContext, network: str) -> list[str]:
    """The containers made on ``network`` that hold no address there (a pod clone's
    infra before its first start): they use it as much as its holders do, so that
    ``network rm`` refuses (or, forced, removes) them too."""
    store = NetworkStore(ctx.conn)
    holders = {a.container_id for a in store.attachments(network=network)}
    out = []
    for record in ctx.containers.all():
        if record.id in holders:
            continue
        try:
            given = netconfig.user_networks(cs.config_of(record).options.network)
        except HutchError:
            continue  # a record that cannot be read names no network
        if network in given or any(_name(store, n) == network for n in given):
            out.append(record.id)
    return out


def _name(store: NetworkStore, given: str) -> str:
    """A network's name from what --network gave (a name or an id)."""
    try:
        return store.find(given).name
    except NoSuchObject:
        return given

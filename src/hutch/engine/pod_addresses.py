"""A pod's static --ip / --ip6 when it is cloned (``pods.clone``).

podman's clone keeps the original's static addresses and takes them when it
starts (podman 4.3.1, observed: the clone is made whether the original runs
or not, and so is a clone of that clone, whether it holds the address or not;
a start is refused with an IPAM error while another of them runs with the
address, and works while none does, after which the others' starts are refused
the same way). hutch holds a container's addresses from create to rm, in the
store's attachments, which keep one holder per address; so the clone's infra
is made with the static addresses in its spec, and in its row of the store only
those no other container holds (``NetworkStore.attach``, ``shared``): checked
and written in one transaction, so no command made meanwhile slips in. Its
start takes them over from a holder that is not running, or is refused in
podman's words by one that is, as the original's start takes them back
(``engine/address_claim.py``).

Only the static addresses move. On a dual-stack network a pod with only
``--ip`` has an automatic IPv6, and so has its clone: the clone's infra is
given another while the original holds its own, and holds it from then on like
any container (podman 4.3.1 picks it at the clone's start, after the other
containers made meanwhile got theirs: either way the start works with an IPv6
of its own). With ``--destroy`` the clone's infra takes the static addresses
the original holds before the original goes (``hand_over``); if the clone
cannot be made, the original's rows were never touched.
"""

from __future__ import annotations

import contextlib

from hutch.api.errors import Conflict
from hutch.engine import address_claim, network_list, networks
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.engine.netquery import network_of


def hand_over(ctx: EngineContext, original_infra: str, clone_infra: str) -> None:
    """pod clone --destroy, once the clone exists and before the original goes: the
    clone's infra takes the addresses of its spec that the original's holds (each
    network in one transaction), so no container made meanwhile is given them. One
    that another clone holds stays that one's, as at any start of the clone while
    the holder runs; the clone's start takes it when the holder does not run."""
    if not original_infra or not clone_infra:
        return  # pods without an infra hold no address
    spec = network_of(cs.get(ctx, clone_infra))
    store = network_list.store(ctx)
    for wanted in spec.attachments:
        with contextlib.suppress(Conflict):  # held by another than the original
            store.take(
                address_claim.record(clone_infra, wanted), lambda holder: holder == original_infra
            )
    if spec.attachments:
        networks.publish_dns(ctx)

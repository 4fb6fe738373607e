"""A pod's static --ip / --ip6 when it is cloned (``pods.clone``).

podman's clone keeps the original's static addresses and takes them when it
starts (podman 4.3.1, observed: the clone is made whether the original runs
or not; its start is refused with an IPAM error while the original runs, and
works while the original is stopped, whose own start is then refused the
same way). hutch holds a container's addresses from create to rm, in the
store's attachments, which keep one holder per address; so the clone's infra
is made with the static addresses lent by the original (``hand_over``), which
has them back once the clone exists (``give_back``): the clone's infra keeps
them in its spec without holding them. Its start takes them over from a holder
that is not running (or is refused in podman's words by one that is), as the
original's start takes them back (``engine/address_claim.py``).

Only the static addresses move. On a dual-stack network a pod with only
``--ip`` has an automatic IPv6, and so has its clone: the clone's infra is
made while the original still holds its own, so it is given another, and
holds it from then on like any container (podman 4.3.1 picks it at the
clone's start, after the other containers made meanwhile got theirs: either
way the start works with an IPv6 of its own). With ``--destroy`` the static
addresses stay the clone's, and go back to the original if the clone cannot
be made.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hutch.api.pods import PodCreateOptions
from hutch.engine import networks
from hutch.engine.context import EngineContext
from hutch.store.networks import AttachmentRecord


@dataclass(frozen=True)
class Loan:
    """The original's attachments that hold its static addresses (as they were
    before the loan), and those addresses."""

    rows: tuple[AttachmentRecord, ...] = ()
    addresses: frozenset[str] = frozenset()


def static_attachments(ctx: EngineContext, infra_id: str, options: PodCreateOptions) -> Loan:
    """The attachments of the original's infra that hold its static addresses."""
    wanted = frozenset(_spelled(a) for a in (options.ip, options.ip6) if a)
    if not infra_id or not wanted:
        return Loan()
    held = networks.store(ctx).attachments(container_id=infra_id)
    rows = tuple(a for a in held if a.address in wanted or a.address6 in wanted)
    return Loan(rows, wanted)


def _spelled(address: str) -> str:
    """The store's spelling of an IPv6 address (a bad one is refused by the create)."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def hand_over(ctx: EngineContext, loan: Loan) -> None:
    """Free the original's static addresses for the clone's infra to be made with;
    the original keeps its row and its other addresses."""
    for row in loan.rows:
        networks.store(ctx).release(row.network, loan.addresses)


def give_back(ctx: EngineContext, loan: Loan) -> None:
    """The original holds its static addresses again: the clone exists (no
    --destroy) and takes them at its start (``address_claim.claim``), or it could
    not be made."""
    for row in loan.rows:
        networks.store(ctx).take(row)
    if loan.rows:
        networks.publish_dns(ctx)

"""A pod's static --ip / --ip6 when it is cloned (``pods.clone``).

podman's clone keeps the original's static addresses and takes them when it
starts (podman 4.3.1, observed: the clone is made whether the original runs
or not; its start is refused with an IPAM error while the original runs, and
works while the original is stopped, whose own start is then refused the
same way). hutch holds a container's addresses from create to rm, in the
store's attachments, which keep one holder per address; so the clone's infra
is made with the address lent by the original (``hand_over``), which has it
back once the clone exists (``give_back``): the clone's infra keeps the
address in its spec without holding it. Its start takes the address over
from a holder that is not running (or is refused in podman's words by one
that is), as the original's start takes it back (``engine/address_claim.py``).
With ``--destroy`` the address stays the clone's, and goes back to the original
if the clone cannot be made.
"""

from __future__ import annotations

from hutch.api.pods import PodCreateOptions
from hutch.engine import networks
from hutch.engine.context import EngineContext
from hutch.store.networks import AttachmentRecord


def static_attachments(
    ctx: EngineContext, infra_id: str, options: PodCreateOptions
) -> tuple[AttachmentRecord, ...]:
    """The attachments of the original's infra that hold its static addresses."""
    wanted = {a for a in (options.ip, options.ip6) if a}
    if not infra_id or not wanted:
        return ()
    held = networks.store(ctx).attachments(container_id=infra_id)
    return tuple(a for a in held if a.address in wanted or a.address6 in wanted)


def hand_over(ctx: EngineContext, held: tuple[AttachmentRecord, ...]) -> None:
    """Free the original's static addresses for the clone's infra to be made with."""
    for attachment in held:
        networks.store(ctx).detach(attachment.container_id, attachment.network)


def take_back(ctx: EngineContext, held: tuple[AttachmentRecord, ...]) -> None:
    """The clone could not be made: the original's addresses are its own again."""
    for attachment in held:
        networks.store(ctx).reattach(attachment)
    if held:
        networks.publish_dns(ctx)


def give_back(ctx: EngineContext, clone_infra: str, held: tuple[AttachmentRecord, ...]) -> None:
    """The clone exists (no --destroy): the original holds its addresses again, and
    the clone's infra takes them at its start (``address_claim.claim``)."""
    for attachment in held:
        networks.store(ctx).detach(clone_infra, attachment.network)
    take_back(ctx, held)

"""A pod's static --ip / --ip6 when it is cloned (``pods.clone``).

podman's clone keeps the original's static addresses (podman 4.3.1, observed:
the clone is made, and its start is refused with an IPAM error while the
original holds them). hutch holds a container's addresses from create to rm,
not from start to stop, so the clone's infra could not even be made: without
--destroy, the clone is refused before anything is made, in podman's words;
with --destroy the original's addresses are handed to the clone, and handed
back if the clone cannot be made (the original stays as it was).
"""

from __future__ import annotations

from hutch.api.errors import Conflict
from hutch.api.pods import PodCreateOptions
from hutch.engine import networks
from hutch.engine.context import EngineContext
from hutch.store.networks import AttachmentRecord, allocated


def static_attachments(
    ctx: EngineContext, infra_id: str, options: PodCreateOptions
) -> tuple[AttachmentRecord, ...]:
    """The attachments of the original's infra that hold its static addresses."""
    wanted = {a for a in (options.ip, options.ip6) if a}
    if not infra_id or not wanted:
        return ()
    held = networks.store(ctx).attachments(container_id=infra_id)
    return tuple(a for a in held if a.address in wanted or a.address6 in wanted)


def refuse_taken(held: tuple[AttachmentRecord, ...], options: PodCreateOptions) -> None:
    """A clone that keeps the original's static addresses while the original holds them."""
    if held:
        attachment = held[0]
        address = attachment.address if attachment.address == options.ip else attachment.address6
        raise Conflict(
            allocated(address, attachment.container_id),
            hint="the original pod holds its static address until it is removed: "
            "pod clone --destroy hands it over to the clone",
        )


def hand_over(ctx: EngineContext, held: tuple[AttachmentRecord, ...]) -> None:
    """Free the original's static addresses for the clone (pod clone --destroy)."""
    for attachment in held:
        networks.store(ctx).detach(attachment.container_id, attachment.network)


def take_back(ctx: EngineContext, held: tuple[AttachmentRecord, ...]) -> None:
    """The clone could not be made: the original's addresses are its own again."""
    for attachment in held:
        networks.store(ctx).reattach(attachment)
    if held:
        networks.publish_dns(ctx)

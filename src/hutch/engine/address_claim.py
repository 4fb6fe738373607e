"""A container whose spec has an address that it does not hold in the store takes
it at its start (``networks.before_start``).

Only a pod clone's infra and the pods it was cloned from are so
(``engine/pod_addresses.py``): the clone keeps the original's static --ip/--ip6
(or ``--network NAME:ip=``),
as podman's clone does, and they hold it in turn. podman takes addresses at each
start; hutch holds them from create to rm, one holder per address, so the start
of any of them takes the static address over from the one holding it when that
one is not running, and is refused in podman's words when it is (podman 4.3.1
refuses the start in the same words). Each keeps its own row on the network, and
its dynamic addresses in it, all along: a clone's automatic IPv6 on a dual-stack
network is its own from the clone's creation, so no container made meanwhile is
given it.

Two starts at once must not both take the address. The store reads the holder
and writes the rows in one transaction (``NetworkStore.take``), but whether the
holder runs is not in the store, and a holder being started is not running yet:
so each start of a container with a static address holds a lock on that address
(``starting``) from before its claim until its command runs (or the start
failed). The second of two starts waits there, then finds the first running.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from hutch.api.errors import Conflict, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine import netopts
from hutch.engine.context import EngineContext
from hutch.engine.netrun import rundir
from hutch.runtime.spec_network import Attachment, NetworkSpec

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# The network store where a claim is made (a user network's start): every start holds
# ``starting``, and most take no address (issue 16: 1 ms of run --rm --network none).
if TYPE_CHECKING:
    from hutch.store.networks import AttachmentRecord

# lock files, one per static address (subnets of networks do not overlap, so an
# address names its network), in the rootless network's run directory
_LOCKS = "claims"


@contextmanager
def starting(ctx: EngineContext, container: cs.Container) -> Iterator[None]:
    """Held around a start, from before ``claim`` until the command runs: the locks
    of the container's static addresses, in one order (no two starts wait on each
    other). Containers without one (most) take no lock."""
    options = container.config.options
    given = (options.net.ip, options.net.ip6, *netopts.static_addresses(options.network))
    static = sorted({_spelled(a) for a in given if a})
    with ExitStack() as stack:
        if static:
            directory = rundir(ctx) / _LOCKS
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            for address in static:
                fd = os.open(directory / address, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                stack.callback(os.close, fd)
                fcntl.flock(fd, fcntl.LOCK_EX)  # released with the fd, or the process
        yield


def _spelled(address: str) -> str:
    """The store's spelling of an address (a bad one was refused at create)."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def claim(ctx: EngineContext, container_id: str, net: NetworkSpec) -> bool:
    """Before a start (under ``starting``): the addresses of the container's spec
    that it does not hold are taken from their holders, unless one of those runs
    (podman's IPAM error, exit 125). Whether it took any (the names change)."""
    from hutch.store.networks import NetworkStore

    store = NetworkStore(ctx.conn)
    held = {a.network: a for a in store.attachments(container_id=container_id)}
    took = False
    for wanted in net.attachments:
        mine = held.get(wanted.network)
        if mine and (mine.address, mine.address6) == (wanted.address, wanted.address6):
            continue
        try:
            store.find(wanted.network)
        except NoSuchObject as exc:
            raise Conflict(f"the container's network {wanted.network} is gone") from exc
        store.take(record(container_id, wanted), lambda holder: not _running(ctx, holder))
        took = True
    return took


def _running(ctx: EngineContext, container_id: str) -> bool:
    """Whether the holder runs, or is about to run again: its monitor restarts it
    after a back-off (restart policy) with the address of its spec, without a claim."""
    try:
        found = cs.get(ctx, container_id)
    except NoSuchObject:
        return False
    return found.running or found.state.restarting


def record(container_id: str, a: Attachment) -> AttachmentRecord:
    """The store's row of the container's attachment ``a`` (of its spec)."""
    from hutch.store.networks import AttachmentRecord

    position = a.position if a.position >= 0 else int(a.interface.removeprefix("eth"))
    return AttachmentRecord(
        container_id, a.network, position, a.address, a.mac, a.aliases, a.address6
    )

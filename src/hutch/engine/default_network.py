"""podman's default network ``podman``: a bridge (``podman0``) on 10.88.0.0/16 without
a name server, which ``network ls`` always lists and ``run --network podman`` joins.

hutch's own default for a container stays its private network (pasta or
slirp4netns), as rootless podman's is; ``podman`` is the bridge a user picks by
name. It is an ordinary row of the network table, added with podman's settings
the first time a network verb looks (``ensure``), so a container on it gets its
address, bridge and firewall table from the code of user-defined networks;
only ``network rm``, ``prune`` and ``update`` leave it alone.
"""

from __future__ import annotations

import time

from hutch.api.network_records import NetworkSubnet, NetworkSummary
from hutch.engine.network_record import encode
from hutch.store.networks import NetworkStore

NAME = "podman"
# podman's id of its default network is the sha256 of its name; written out, since
# hashlib (OpenSSL) is no import of a run on a user network otherwise (a unit test
# checks the digest)
ID = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
BRIDGE = "podman0"
SUBNET = NetworkSubnet("10.88.0.0/16", "10.88.0.1")


def record(created: float) -> NetworkSummary:
    """The network as podman defines it: no name server, no labels or options."""
    return NetworkSummary(
        name=NAME,
        id=ID,
        driver="bridge",
        bridge=BRIDGE,
        subnets=(SUBNET,),
        internal=False,
        ipv6=False,
        dns=False,
        labels=(),
        options=(),
        created=created,
    )


def is_builtin(net: NetworkSummary) -> bool:
    """Whether ``net`` is this network, not a user network a store made before it was
    built in under the same name (which stays the user's to update and remove)."""
    return net.id == ID


def ensure(networks: NetworkStore) -> None:
    """Add the network unless it is there (a read when it is: every network verb
    calls this). A user network named ``podman`` from before it was built in, or one
    whose bridge is ``podman0``, keeps its place: the insert is then left out."""
    if not networks.has(NAME):
        networks.add_missing(encode(record(time.time())))

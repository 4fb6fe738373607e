"""Network records and address management (IPAM) in the state database.

A network's settings are one JSON column (subnets, gateways, ranges, flags,
labels); each container's place on a network is a row of
``network_attachments`` whose address is unique per network. Addresses are
chosen and inserted inside one ``BEGIN IMMEDIATE`` transaction, so commands
running at once never hand out the same address.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.store import sqlite as sqlite3
from hutch.store.db import transaction


@dataclass(frozen=True)
class NetworkRow:
    """A row of ``networks``. ``config`` is the engine's JSON (``engine/network_record.py``
    owns the typed network); of it the store reads only the ``subnet`` of each entry of
    ``subnets``, to refuse overlapping networks."""

    name: str
    id: str
    driver: str
    bridge: str  # hutchN, picked by create
    config: str
    created: float


TYPE_CHECKING = False  # typing is no import of a run's (issue 16); mypy reads it alike
if TYPE_CHECKING:
    from typing import Protocol

    class Pool(Protocol):
        """A subnet as IPAM reads it (``hutch.api.networks.NetworkSubnet`` is one)."""

        @property
        def subnet(self) -> str: ...  # "10.89.0.0/24"

        @property
        def gateway(self) -> str: ...

        @property
        def ip_range(self) -> str: ...  # addresses come from here when set


@dataclass(frozen=True)
class AttachmentRecord:
    container_id: str
    network: str
    position: int  # the container's interface is eth<position>
    address: str
    mac: str
    aliases: tuple[str, ...]
    address6: str = ""  # on a network with an IPv6 subnet


def _row(row: sqlite3.Row) -> NetworkRow:
    return NetworkRow(
        row["name"], row["id"], row["driver"], row["bridge"], row["config"], row["created"]
    )


def subnets_of(row: NetworkRow) -> list[str]:
    return [s["subnet"] for s in json.loads(row.config)["subnets"]]


# The address column of a container on a network without IPAM (``--ipam-driver
# none``), or whose static address another container holds for now (a pod clone's
# infra and its original, ``NetworkStore.take``): ``UNIQUE(network, address)``
# (schema 4) wants one value per container,
# and rebuilding the table to make it partial is not worth it; no IP address
# starts with this, and only this module reads the column.
_NO_ADDRESS = "none:"


def _attachment(row: sqlite3.Row) -> AttachmentRecord:
    address = row["address"]
    return AttachmentRecord(
        container_id=row["container_id"],
        network=row["network"],
        position=row["position"],
        address="" if address.startswith(_NO_ADDRESS) else address,
        mac=row["mac"],
        aliases=tuple(json.loads(row["aliases"])),
        address6=row["address6"],
    )


def _mac_of_id(container_id: str) -> str:
    """A locally administered MAC for an interface without an address."""
    return "02:42:" + ":".join(container_id[i : i + 2] for i in range(0, 8, 2))


def mac_for(address: str) -> str:
    """A stable locally administered MAC from the IPv4 address (as Docker does)."""
    packed = ipaddress.ip_address(address).packed[-4:]
    return "02:42:" + ":".join(f"{b:02x}" for b in packed)


def _not_found(name_or_id: str) -> NoSuchObject:
    """podman's words (netavark's getNetwork), which scripts match."""
    return NoSuchObject(f"unable to find network with name or ID {name_or_id}: network not found")


class NetworkStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- networks ------------------------------------------------------------

    def all(self) -> list[NetworkRow]:
        rows = self._conn.execute("SELECT * FROM networks ORDER BY created, name").fetchall()
        return [_row(r) for r in rows]

    def find(self, name_or_id: str) -> NetworkRow:
        row = self._conn.execute("SELECT * FROM networks WHERE name = ?", (name_or_id,)).fetchone()
        if row is None and name_or_id:
            rows = self._conn.execute(
                "SELECT * FROM networks WHERE id LIKE ?", (name_or_id + "%",)
            ).fetchall()
            if len(rows) > 1:
                raise InvalidArgument(f"{name_or_id!r}: more than one network matches")
            row = rows[0] if rows else None
        if row is None:
            raise _not_found(name_or_id)
        return _row(row)

    def create(self, row: NetworkRow, subnets: Sequence[str]) -> NetworkRow:
        """Insert (an empty ``row.bridge`` becomes ``hutchN``, N the lowest free)
        unless one of ``subnets`` overlaps another network's or the bridge is taken."""
        with transaction(self._conn) as c:
            if c.execute("SELECT 1 FROM networks WHERE name = ?", (row.name,)).fetchone():
                raise Conflict(f"network name {row.name} already used: network already exists")
            taken_nets = [
                ipaddress.ip_network(s)
                for other in c.execute("SELECT * FROM networks")
                for s in subnets_of(_row(other))
            ]
            for s in subnets:
                net = ipaddress.ip_network(s)
                for other in taken_nets:
                    if net.version == other.version and net.overlaps(other):
                        # podman's words (the engine checked the host's subnets and these
                        # before; this is for a network another process made meanwhile)
                        raise InvalidArgument(
                            f"subnet {net} is already used on the host or by another config"
                        )
            bridges = {r[0] for r in c.execute("SELECT bridge FROM networks")}
            bridge = row.bridge
            if bridge in bridges:
                raise InvalidArgument(f"bridge name {bridge} already in use")
            n = 1
            while not bridge:
                # a --interface-name of another network may be hutchN already
                if f"hutch{n}" not in bridges:
                    bridge = f"hutch{n}"
                n += 1
            c.execute(
                "INSERT INTO networks (name, id, driver, bridge, config, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (row.name, row.id, row.driver, bridge, row.config, row.created or time.time()),
            )
        return self.find(row.name)

    def add_missing(self, row: NetworkRow) -> bool:
        """Insert ``row`` unless a network of its name (or its id or bridge) is there
        already; False then. One statement, so two commands adding it at once make
        one. No check of subnets: a built-in network is there whatever else is."""
        with transaction(self._conn) as c:
            added = c.execute(
                "INSERT OR IGNORE INTO networks (name, id, driver, bridge, config, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (row.name, row.id, row.driver, row.bridge, row.config, row.created),
            ).rowcount
        return added == 1

    def has(self, name: str) -> bool:
        """Whether a network is named ``name`` (its name, not an id)."""
        found = self._conn.execute("SELECT 1 FROM networks WHERE name = ?", (name,)).fetchone()
        return found is not None

    def rewrite_config(self, name: str, change: Callable[[NetworkRow], str]) -> NetworkRow:
        """Replace the settings of network ``name`` with ``change(row)``, read and
        written in one transaction, so that two updates at once both land."""
        with transaction(self._conn) as c:
            found = c.execute("SELECT * FROM networks WHERE name = ?", (name,)).fetchone()
            if found is None:
                raise _not_found(name)
            c.execute("UPDATE networks SET config = ? WHERE name = ?", (change(_row(found)), name))
        return self.find(name)

    def used_subnets(self) -> list[str]:
        return [s for r in self.all() for s in subnets_of(r)]

    def delete(self, name: str) -> None:
        with transaction(self._conn) as c:
            if c.execute("SELECT 1 FROM network_attachments WHERE network = ?", (name,)).fetchone():
                raise Conflict(f"network {name} is in use by containers: network is being used")
            c.execute("DELETE FROM networks WHERE name = ?", (name,))

    # -- attachments -----------------------------------------------------------

    def attachments(
        self, *, network: str | None = None, container_id: str | None = None
    ) -> list[AttachmentRecord]:
        query, args = "SELECT * FROM network_attachments", []
        where = []
        if network is not None:
            where.append("network = ?")
            args.append(network)
        if container_id is not None:
            where.append("container_id = ?")
            args.append(container_id)
        if where:
            query += " WHERE " + " AND ".join(where)
        rows = self._conn.execute(query + " ORDER BY container_id, position", args).fetchall()
        return [_attachment(r) for r in rows]

    def attach(
        self,
        container_id: str,
        network: str,
        pools: tuple[Pool | None, Pool | None],
        *,
        address: str | None = None,
        aliases: tuple[str, ...] = (),
        address6: str | None = None,
        mac: str | None = None,
        shared: bool = False,
    ) -> AttachmentRecord:
        """Give the container an address on the network from its IPv4 pool (``address``,
        else the first free), and one from its IPv6 pool too when it has one
        (``address6``, else the first free). A network without pools (no IPAM) gives
        none: the record's address is empty and its MAC comes from the container's id.

        ``shared``: ``address`` and ``address6`` may be held by another container (a
        pod clone's infra and the pods it was cloned from hold them in turn,
        engine/pod_addresses.py). One that is held is left out of the row, which
        the container's start takes it into (``take``); the record returned names
        it all the same, for the spec. Checked and written in this one transaction,
        as every address: no other command can slip in between."""
        subnet, subnet6 = pools
        with transaction(self._conn) as c:
            if c.execute(
                "SELECT 1 FROM network_attachments WHERE container_id = ? AND network = ?",
                (container_id, network),
            ).fetchone():
                raise Conflict(f"the container is already connected to network {network}")
            used = {
                r[0]: r[1]
                for r in c.execute(
                    "SELECT address, container_id FROM network_attachments WHERE network = ?",
                    (network,),
                )
            }
            if subnet is None:
                chosen = ""  # stored as _NO_ADDRESS + the container's id (_insert)
                mac = mac or _mac_of_id(container_id)
            elif address is not None:
                if address in used and not shared:
                    raise Conflict(allocated(address, used[address]))
                chosen = address
            else:
                chosen = _first_free(subnet, set(used))
            chosen6, used6 = "", {}
            if subnet6 is not None:
                used6 = {
                    r[0]: r[1]
                    for r in c.execute(
                        "SELECT address6, container_id FROM network_attachments WHERE network = ?",
                        (network,),
                    )
                }
                if address6 is not None:
                    address6 = str(ipaddress.ip_address(address6))  # one spelling per address
                    if address6 in used6 and not shared:
                        raise Conflict(allocated(address6, used6[address6]))
                    chosen6 = address6
                else:
                    chosen6 = _first_free(subnet6, set(used6))
            positions = {
                r[0]
                for r in c.execute(
                    "SELECT position FROM network_attachments WHERE container_id = ?",
                    (container_id,),
                )
            }
            position = min(set(range(len(positions) + 1)) - positions)
            record = AttachmentRecord(
                container_id, network, position, chosen, mac or mac_for(chosen), aliases, chosen6
            )
            # (shared) what another container holds: its start takes it (take)
            _insert(c, _without(record, {a for a in (chosen, chosen6) if a in used or a in used6}))
        return record

    def take(self, record: AttachmentRecord, may_take: Callable[[str], bool]) -> None:
        """Put ``record`` in place of its container's row on its network (if it has one),
        taking its addresses out of the rows of the containers that hold them, which
        stay without them; unless ``may_take(holder)`` is false for one of those
        holders: podman's IPAM error then, and nothing changes. The holders are read
        and the rows written in one transaction, so two takes at once cannot both
        find an address free (engine/address_claim.py, engine/pod_addresses.py)."""
        with transaction(self._conn) as c:
            wanted = {a for a in (record.address, record.address6) if a}
            for holder, *addresses in c.execute(
                "SELECT container_id, address, address6 FROM network_attachments "
                "WHERE network = ? AND container_id != ?",
                (record.network, record.container_id),
            ):
                for address in wanted.intersection(addresses):
                    if not may_take(holder):
                        raise Conflict(allocated(address, holder))
            c.execute(
                "DELETE FROM network_attachments WHERE container_id = ? AND network = ?",
                (record.container_id, record.network),
            )
            _release(c, record.network, (record.address, record.address6))
            _insert(c, record)

    def detach(self, container_id: str, network: str) -> None:
        with transaction(self._conn) as c:
            c.execute(
                "DELETE FROM network_attachments WHERE container_id = ? AND network = ?",
                (container_id, network),
            )


def _release(c: sqlite3.Connection, network: str, addresses: Collection[str]) -> None:
    for address in (a for a in addresses if a):
        if ipaddress.ip_address(address).version == 4:
            # the column cannot be empty (UNIQUE): the no-address value of the row's own
            c.execute(
                "UPDATE network_attachments SET address = ? || container_id "
                "WHERE network = ? AND address = ?",
                (_NO_ADDRESS, network, address),
            )
        else:
            c.execute(
                "UPDATE network_attachments SET address6 = '' WHERE network = ? AND address6 = ?",
                (network, address),
            )


def _without(record: AttachmentRecord, held: Collection[str]) -> AttachmentRecord:
    """The row of ``record`` without the addresses in ``held`` (another container's)."""
    return replace(
        record,
        address="" if record.address in held else record.address,
        address6="" if record.address6 in held else record.address6,
    )


def _insert(c: sqlite3.Connection, record: AttachmentRecord) -> None:
    c.execute(
        "INSERT INTO network_attachments (container_id, network, position, address, "
        "mac, aliases, address6) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record.container_id,
            record.network,
            record.position,
            # a network without IPAM: a value of its own per container (_NO_ADDRESS)
            record.address or _NO_ADDRESS + record.container_id,
            record.mac,
            json.dumps(list(record.aliases)),
            record.address6,
        ),
    )


def allocated(address: str, holder: str) -> str:
    # podman's words (its IPAM's, when the container starts: hutch holds an address
    # from create to rm, so it refuses at create; a pod clone's infra, which keeps
    # the original's, at its start: engine/pod_addresses.py)
    return (
        f"IPAM error: requested ip address {address} is already allocated to container ID {holder}"
    )


def _first_free(subnet: Pool, used: set[str]) -> str:
    net = ipaddress.ip_network(subnet.subnet)
    pool = ipaddress.ip_network(subnet.ip_range) if subnet.ip_range else net
    skip = used | {subnet.gateway}
    for host in pool.hosts():
        if str(host) not in skip:
            return str(host)
    raise Conflict(f"no free IP address left on subnet {pool}")

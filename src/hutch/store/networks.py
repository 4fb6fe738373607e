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
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.store.db import transaction


@dataclass(frozen=True)
class Subnet:
    subnet: str
    gateway: str
    ip_range: str = ""


@dataclass(frozen=True)
class NetworkRecord:
    name: str
    id: str
    driver: str
    bridge: str
    subnets: tuple[Subnet, ...]
    internal: bool
    ipv6: bool
    dns: bool
    labels: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, str], ...]
    created: float


@dataclass(frozen=True)
class AttachmentRecord:
    container_id: str
    network: str
    position: int  # the container's interface is eth<position>
    address: str
    mac: str
    aliases: tuple[str, ...]
    address6: str = ""  # on a network with an IPv6 subnet


def _record(row: sqlite3.Row) -> NetworkRecord:
    cfg = json.loads(row["config"])
    return NetworkRecord(
        name=row["name"],
        id=row["id"],
        driver=row["driver"],
        bridge=row["bridge"],
        subnets=tuple(Subnet(**s) for s in cfg["subnets"]),
        internal=bool(cfg.get("internal")),
        ipv6=bool(cfg.get("ipv6")),
        dns=bool(cfg.get("dns", True)),
        labels=tuple((k, v) for k, v in cfg.get("labels", [])),
        options=tuple((k, v) for k, v in cfg.get("options", [])),
        created=row["created"],
    )


def _attachment(row: sqlite3.Row) -> AttachmentRecord:
    return AttachmentRecord(
        container_id=row["container_id"],
        network=row["network"],
        position=row["position"],
        address=row["address"],
        mac=row["mac"],
        aliases=tuple(json.loads(row["aliases"])),
        address6=row["address6"],
    )


def subnet_of(network: NetworkRecord, version: int) -> Subnet | None:
    """The network's IPv4 (4) or IPv6 (6) subnet, if it has one."""
    for s in network.subnets:
        if ipaddress.ip_network(s.subnet).version == version:
            return s
    return None


def mac_for(address: str) -> str:
    """A stable locally administered MAC from the IPv4 address (as Docker does)."""
    packed = ipaddress.ip_address(address).packed[-4:]
    return "02:42:" + ":".join(f"{b:02x}" for b in packed)


class NetworkStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- networks ------------------------------------------------------------

    def all(self) -> list[NetworkRecord]:
        rows = self._conn.execute("SELECT * FROM networks ORDER BY created, name").fetchall()
        return [_record(r) for r in rows]

    def find(self, name_or_id: str) -> NetworkRecord:
        row = self._conn.execute("SELECT * FROM networks WHERE name = ?", (name_or_id,)).fetchone()
        if row is None and name_or_id:
            rows = self._conn.execute(
                "SELECT * FROM networks WHERE id LIKE ?", (name_or_id + "%",)
            ).fetchall()
            if len(rows) > 1:
                raise InvalidArgument(f"{name_or_id!r}: more than one network matches")
            row = rows[0] if rows else None
        if row is None:
            raise NoSuchObject(
                f"unable to find network with name or ID {name_or_id}: network not found"
            )
        return _record(row)

    def create(self, record: NetworkRecord, overlaps: Iterable[str] = ()) -> NetworkRecord:
        """Insert; the bridge name ``hutchN`` is picked here (N the lowest free)."""
        config = {
            "subnets": [s.__dict__ for s in record.subnets],
            "internal": record.internal,
            "ipv6": record.ipv6,
            "dns": record.dns,
            "labels": list(record.labels),
            "options": list(record.options),
        }
        with transaction(self._conn) as c:
            if c.execute("SELECT 1 FROM networks WHERE name = ?", (record.name,)).fetchone():
                raise Conflict(f"network name {record.name} already used: network already exists")
            taken_nets = [
                ipaddress.ip_network(s.subnet)
                for other in (_record(r) for r in c.execute("SELECT * FROM networks"))
                for s in other.subnets
            ]
            for s in record.subnets:
                net = ipaddress.ip_network(s.subnet)
                for other in taken_nets:
                    if net.version == other.version and net.overlaps(other):
                        raise InvalidArgument(
                            f"subnet {net} is already used by another network ({other})"
                        )
            bridges = {r[0] for r in c.execute("SELECT bridge FROM networks")}
            n = 1
            while f"hutch{n}" in bridges:
                n += 1
            c.execute(
                "INSERT INTO networks (name, id, driver, bridge, config, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.name,
                    record.id,
                    record.driver,
                    f"hutch{n}",
                    json.dumps(config),
                    record.created or time.time(),
                ),
            )
        return self.find(record.name)

    def used_subnets(self) -> list[str]:
        return [s.subnet for r in self.all() for s in r.subnets]

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
        network: NetworkRecord,
        *,
        address: str | None = None,
        aliases: tuple[str, ...] = (),
        address6: str | None = None,
    ) -> AttachmentRecord:
        """Give the container an address on the network (``address``, else the first free),
        and one of its IPv6 subnet too when it has one (``address6``, else the first free)."""
        subnet = subnet_of(network, 4) or network.subnets[0]
        subnet6 = subnet_of(network, 6)
        with transaction(self._conn) as c:
            if c.execute(
                "SELECT 1 FROM network_attachments WHERE container_id = ? AND network = ?",
                (container_id, network.name),
            ).fetchone():
                raise Conflict(f"the container is already connected to network {network.name}")
            used = {
                r[0]
                for r in c.execute(
                    "SELECT address FROM network_attachments WHERE network = ?", (network.name,)
                )
            }
            if address is not None:
                if address in used:
                    raise Conflict(f"IP address {address} is already in use on {network.name}")
                chosen = address
            else:
                chosen = _first_free(subnet, used)
            chosen6 = ""
            if subnet6 is not None:
                used6 = {
                    r[0]
                    for r in c.execute(
                        "SELECT address6 FROM network_attachments WHERE network = ?",
                        (network.name,),
                    )
                }
                if address6 is not None:
                    address6 = str(ipaddress.ip_address(address6))  # one spelling per address
                    if address6 in used6:
                        raise Conflict(f"IP address {address6} is already in use on {network.name}")
                    chosen6 = address6
                else:
                    chosen6 = _first_free(subnet6, used6)
            positions = {
                r[0]
                for r in c.execute(
                    "SELECT position FROM network_attachments WHERE container_id = ?",
                    (container_id,),
                )
            }
            position = min(set(range(len(positions) + 1)) - positions)
            c.execute(
                "INSERT INTO network_attachments (container_id, network, position, address, "
                "mac, aliases, address6) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    container_id,
                    network.name,
                    position,
                    chosen,
                    mac_for(chosen),
                    json.dumps(list(aliases)),
                    chosen6,
                ),
            )
        return AttachmentRecord(
            container_id, network.name, position, chosen, mac_for(chosen), aliases, chosen6
        )

    def detach(self, container_id: str, network: str) -> None:
        with transaction(self._conn) as c:
            c.execute(
                "DELETE FROM network_attachments WHERE container_id = ? AND network = ?",
                (container_id, network),
            )


def _first_free(subnet: Subnet, used: set[str]) -> str:
    net = ipaddress.ip_network(subnet.subnet)
    pool = ipaddress.ip_network(subnet.ip_range) if subnet.ip_range else net
    skip = used | {subnet.gateway}
    for host in pool.hosts():
        if str(host) not in skip:
            return str(host)
    raise Conflict(f"no free IP address left on subnet {pool}")

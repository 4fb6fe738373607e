"""``network create --dns --ipam-driver --interface-name --route`` and ``network update``
for real: containers on such networks in the rootless network namespace, and podman
4.3.1 where it has the flag.

The ``--dns`` test runs two small DNS servers of its own on the host's loopback: the
host's upstream (``HUTCH_DNS_UPSTREAM``) answers every A question with one address,
the network's own server with another and records what it was asked, so the answer a
container gets shows which server the network's name server forwarded to. An
unprivileged test cannot listen on port 53, so ``HUTCH_DNS_PORT`` tells the name server
the port of the ``--dns`` servers.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

HOST_ANSWER = "192.0.2.77"
OWN_ANSWER = "192.0.2.88"


def _reply(query: bytes, address: str) -> bytes:
    """The question back, with an A record when it asked for A."""
    ident = struct.unpack("!H", query[:2])[0]
    pos = 12
    while query[pos]:
        pos += query[pos] + 1
    qtype = struct.unpack("!H", query[pos + 1 : pos + 3])[0]
    records = b""
    if qtype == 1:
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 30, 4) + socket.inet_aton(address)
    header = struct.pack("!HHHHHH", ident, 0x8180, 1, 1 if records else 0, 0, 0)
    return header + query[12 : pos + 5] + records


def _name(query: bytes) -> str:
    labels, pos = [], 12
    while query[pos]:
        labels.append(query[pos + 1 : pos + 1 + query[pos]].decode())
        pos += query[pos] + 1
    return ".".join(labels)


@dataclass
class FakeServer:
    """A UDP DNS server on 127.0.0.1 answering every A question with ``answer``."""

    answer: str
    asked: list[str] = field(default_factory=list)
    sock: socket.socket = field(
        default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    )
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            self.asked.append(_name(data))
            self.sock.sendto(_reply(data, self.answer), peer)


@pytest.fixture
def servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    """(the host's upstream, the network's own server)."""
    made = (FakeServer(HOST_ANSWER), FakeServer(OWN_ANSWER))
    for s in made:
        s.sock.bind(("127.0.0.1", 0))
    threads = [threading.Thread(target=s.serve, daemon=True) for s in made]
    for t in threads:
        t.start()
    yield made
    for s in made:
        s.stop.set()
    for t in threads:
        t.join(2)
    for s in made:
        s.sock.close()


def test_a_dns_network_forwards_to_its_own_server(
    hutch: Hutch, base_image: str, servers: tuple[FakeServer, FakeServer]
) -> None:
    host, own = servers
    env = {"HUTCH_DNS_UPSTREAM": f"127.0.0.1:{host.port}", "HUTCH_DNS_PORT": str(own.port)}
    hutch("network", "create", "--dns", "127.0.0.1", "owndns")
    hutch("network", "create", "plaindns")
    info = json.loads(hutch("network", "inspect", "owndns").stdout)[0]
    assert info["network_dns_servers"] == ["127.0.0.1"]
    assert (
        "network_dns_servers" not in json.loads(hutch("network", "inspect", "plaindns").stdout)[0]
    )

    def lookup(network: str, name: str) -> str:
        argv = ("run", "--rm", "--network", network, base_image, "nslookup", name)
        return hutch(*argv, env=env).stdout

    assert f"Address: {OWN_ANSWER}" in lookup("owndns", "through-own.test")
    assert "through-own.test" in own.asked and "through-own.test" not in host.asked
    # the same name server, another network: the host's upstream
    assert f"Address: {HOST_ANSWER}" in lookup("plaindns", "through-host.test")
    assert "through-host.test" in host.asked and "through-host.test" not in own.asked
    # container names are still answered by the network's name server itself
    hutch("run", "-d", "--name", "named", "--network", "owndns", base_image, "sleep", "60", env=env)
    address = json.loads(hutch("inspect", "named").stdout)[0]["NetworkSettings"]["IPAddress"]
    assert f"Address: {address}" in lookup("owndns", "named")
    assert "named" not in own.asked


NEW_ANSWER = "192.0.2.99"


def test_update_moves_running_containers_to_the_new_servers(
    hutch: Hutch, base_image: str, servers: tuple[FakeServer, FakeServer]
) -> None:
    """``network update``: a container that runs on through it forwards through the
    new server at once (the name server rereads its records), not the dropped one."""
    host, own = servers
    # the second server: same port (HUTCH_DNS_PORT is one port), another loopback address
    new = FakeServer(NEW_ANSWER)
    new.sock.bind(("127.0.0.2", own.port))
    thread = threading.Thread(target=new.serve, daemon=True)
    thread.start()
    env = {"HUTCH_DNS_UPSTREAM": f"127.0.0.1:{host.port}", "HUTCH_DNS_PORT": str(own.port)}
    try:
        hutch("network", "create", "--dns", "127.0.0.1", "upd")
        argv = ("run", "-d", "--name", "asker", "--network", "upd", base_image, "sleep", "120")
        hutch(*argv, env=env)

        def lookup(name: str) -> str:
            return hutch("exec", "asker", "nslookup", name).stdout

        assert f"Address: {OWN_ANSWER}" in lookup("before.test")
        updated = hutch(
            "network", "update", "--dns-add", "127.0.0.2", "--dns-drop", "127.0.0.1", "upd"
        )  # fmt: skip
        assert updated.stdout == "upd\n"
        info = json.loads(hutch("network", "inspect", "upd").stdout)[0]
        assert info["network_dns_servers"] == ["127.0.0.2"]
        assert f"Address: {NEW_ANSWER}" in lookup("after.test")
        assert "after.test" in new.asked
        assert "after.test" not in own.asked and "after.test" not in host.asked
        # dropping the last server: the host's upstream again, still without a restart
        hutch("network", "update", "--dns-drop", "127.0.0.2", "upd")
        assert "network_dns_servers" not in json.loads(hutch("network", "inspect", "upd").stdout)[0]
        assert f"Address: {HOST_ANSWER}" in lookup("last.test")
        assert "last.test" in host.asked and "last.test" not in new.asked
    finally:
        new.stop.set()
        thread.join(2)
        new.sock.close()
    missing = hutch("network", "update", "--dns-add", "192.0.2.1", "nosuch", check=False)
    assert (missing.returncode, missing.stderr) == (
        125,
        "Error: unable to find network with name or ID nosuch: network not found\n",
    )
    bad = hutch("network", "update", "--dns-add", "192.0.2.1,nope", "upd", check=False)
    assert bad.returncode == 125
    assert bad.stderr.startswith("Error: unable to parse ip nope specified in AddDNSServer")
    default = hutch("network", "update", "--dns-add", "192.0.2.1", "podman", check=False)
    assert default.returncode == 125
    assert default.stderr.startswith("Error: default network podman cannot be updated")
    hutch("network", "create", "--disable-dns", "--dns", "192.0.2.53", "mute")
    mute = hutch("network", "update", "--dns-add", "192.0.2.1", "mute", check=False)
    assert mute.returncode == 125 and "network mute has DNS disabled" in mute.stderr


def test_a_network_without_a_name_server_gives_its_dns_to_the_container(
    hutch: Hutch, base_image: str
) -> None:
    """As podman: with DNS off, the network's --dns servers go into resolv.conf."""
    hutch("network", "create", "--disable-dns", "--dns", "192.0.2.53", "quiet")
    hutch("network", "create", "--ipam-driver", "none", "--dns", "192.0.2.54", "barens")
    out = hutch(
        "run", "--rm", "--network", "quiet,barens", base_image, "cat", "/etc/resolv.conf"
    ).stdout  # fmt: skip
    servers = [line.split()[1] for line in out.splitlines() if line.startswith("nameserver")]
    assert servers == ["192.0.2.53", "192.0.2.54"]


def test_a_network_without_ipam_gives_no_address(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--ipam-driver", "none", "bare")
    info = json.loads(hutch("network", "inspect", "bare").stdout)[0]
    assert info["ipam_options"] == {"driver": "none"}
    assert "subnets" not in info and info["dns_enabled"] is False
    hutch("network", "create", "--subnet", "10.95.0.0/24", "addressed")
    out = hutch(
        "run", "--rm", "--network", "addressed,bare", base_image,
        "sh", "-c", "ip -o link show eth1; echo ---; ip -o addr show eth1; echo ---; ip route",
    ).stdout  # fmt: skip
    link, addresses, routes = out.split("---\n")
    assert "eth1" in link and "UP" in link
    # no IPv4 address and no global IPv6 one (the kernel's link-local fe80:: may be there)
    assert not re.search(r"\binet\s", addresses), addresses
    assert "scope global" not in addresses, addresses
    assert "dev eth1" not in routes and "default via 10.95.0.1 dev eth0" in routes
    # a running container on it alone, then connected to it a second time over
    hutch("run", "-d", "--name", "bareonly", "--network", "bare", base_image, "sleep", "60")
    hutch("run", "-d", "--name", "joiner", "--network", "addressed", base_image, "sleep", "60")
    hutch("network", "connect", "bare", "joiner")
    joined = hutch("exec", "joiner", "ip", "-o", "addr", "show", "eth1").stdout
    assert not re.search(r"\binet\s", joined), joined
    assert hutch("network", "reload", "joiner").returncode == 0  # no table for bare
    members = json.loads(hutch("network", "inspect", "bare").stdout)[0]["containers"]
    assert sorted(m["name"] for m in members.values()) == ["bareonly", "joiner"]
    for m in members.values():
        (iface,) = m["interfaces"].values()
        assert list(iface) == ["mac_address"]
    settings = json.loads(hutch("inspect", "bareonly").stdout)[0]["NetworkSettings"]
    assert settings["Networks"]["bare"]["IPAddress"] == ""
    refused = hutch(
        "run", "--rm", "--network", "bare", "--ip", "10.1.0.5", base_image, "true", check=False
    )
    assert refused.returncode == 125
    assert "network bare assigns no addresses" in refused.stderr


def test_interface_name_names_the_bridge(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--interface-name", "lab-0.x", "--subnet", "10.96.0.0/24", "lab")
    assert (
        json.loads(hutch("network", "inspect", "lab").stdout)[0]["network_interface"] == "lab-0.x"
    )
    hutch("run", "-d", "--name", "onlab", "--network", "lab", base_image, "sleep", "60")
    pid = (hutch.env.runtime_dir / "hutch" / "netns" / "rootless.pid").read_text().split()[0]
    links = hutch("unshare", "nsenter", f"--net=/proc/{pid}/ns/net", "ip", "-o", "addr").stdout
    assert any(" lab-0.x " in f" {line} " and "10.96.0.1/24" in line for line in links.splitlines())
    again = hutch("network", "create", "--interface-name", "lab-0.x", "other", check=False)
    assert (again.returncode, again.stderr) == (125, "Error: bridge name lab-0.x already in use\n")
    bad = hutch("network", "create", "--interface-name", "a" * 16, "long", check=False)
    assert bad.returncode == 125 and "--interface-name" in bad.stderr


def test_routes_reach_the_containers(hutch: Hutch, base_image: str) -> None:
    hutch(
        "network", "create", "--subnet", "10.97.0.0/24",
        "--route", "192.168.77.0/24,10.97.0.254,50", "--route", "198.51.100.0/24,10.97.0.253",
        "routed",
    )  # fmt: skip
    info = json.loads(hutch("network", "inspect", "routed").stdout)[0]
    assert info["routes"] == [
        {"destination": "192.168.77.0/24", "gateway": "10.97.0.254", "metric": 50},
        {"destination": "198.51.100.0/24", "gateway": "10.97.0.253"},
    ]
    routes = hutch("run", "--rm", "--network", "routed", base_image, "ip", "route").stdout
    assert re.search(r"192\.168\.77\.0/24 via 10\.97\.0\.254 dev eth0 +metric 50", routes), routes
    assert "198.51.100.0/24 via 10.97.0.253 dev eth0" in routes
    bad = hutch(
        "network", "create", "--subnet", "10.98.0.0/24", "--route", "192.168.1.0/24,10.1.1.1",
        "offlink", check=False,
    )  # fmt: skip
    assert bad.returncode == 125 and "not in a subnet of the network" in bad.stderr


def test_ipam_driver_as_podman(hutch: Hutch, podman: Run) -> None:
    """podman 4.3.1 has --ipam-driver: the same refusal of an unknown driver and the
    same inspect shape for ``none``."""
    ours = hutch("network", "create", "--ipam-driver", "foo", "x", check=False)
    theirs = podman("network", "create", "--ipam-driver", "foo", "x")
    assert ours.returncode == theirs.returncode == 125
    assert ours.stderr.splitlines()[0] == theirs.stderr.splitlines()[0]
    assert ours.stderr.splitlines()[0] == 'Error: unsupported ipam driver "foo"'
    for run in (hutch, podman):
        assert run("network", "create", "--ipam-driver", "none", "bare").stdout == "bare\n"
    mine = json.loads(hutch("network", "inspect", "bare").stdout)[0]
    peer = json.loads(podman("network", "inspect", "bare").stdout)[0]
    for info in (mine, peer):
        assert info["ipam_options"] == {"driver": "none"}
        assert info["dns_enabled"] is False and "subnets" not in info
    podman("network", "rm", "bare")
    dhcp = hutch("network", "create", "--ipam-driver", "dhcp", "d", check=False)
    peer_dhcp = podman("network", "create", "--ipam-driver", "dhcp", "d")
    assert dhcp.returncode == peer_dhcp.returncode == 125
    assert (
        "dhcp ipam driver is not" in dhcp.stderr and "dhcp ipam driver is not" in peer_dhcp.stderr
    )

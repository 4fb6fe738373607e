"""``network create --ipam-driver --dns --interface-name --route``: parsing, the store's
side (bridge names, addressless members), inspect's keys and the name server's choice
of upstream per network."""

from __future__ import annotations

import socket
import struct
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkMember, NetworkRoute, NetworkSummary
from hutch.api.networks import NetworkSubnet as Subnet
from hutch.cli.network_render import json_of, row
from hutch.engine import netconfig, network_flags
from hutch.engine.network_record import decode, encode, pools
from hutch.net import dns
from hutch.net.rootlessd import Responder
from hutch.runtime.spec_network import Attachment, NetworkSpec
from hutch.store import db
from hutch.store.networks import NetworkStore

SUBNETS = (Subnet("10.89.3.0/24", "10.89.3.1"), Subnet("fd00:3::/64", "fd00:3::1"))


# -- --ipam-driver ------------------------------------------------------------------


def test_ipam_driver_defaults_to_host_local_and_takes_none() -> None:
    assert network_flags.ipam_driver("", False) == "host-local"
    assert network_flags.ipam_driver("host-local", True) == "host-local"
    assert network_flags.ipam_driver("none", False) == "none"


def test_ipam_driver_refuses_other_values_naming_the_choices() -> None:
    with pytest.raises(InvalidArgument) as exc:
        network_flags.ipam_driver("foo", False)
    assert exc.value.message == 'unsupported ipam driver "foo"'  # podman's words
    assert exc.value.hint == "use host-local, none or dhcp"
    assert exc.value.exit_code == 125


def test_ipam_driver_dhcp_is_refused_rootless() -> None:
    with pytest.raises(InvalidArgument, match="dhcp ipam driver is not supported rootless"):
        network_flags.ipam_driver("dhcp", False)


def test_ipam_driver_none_with_a_subnet_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="none ipam driver is set but subnets are given"):
        network_flags.ipam_driver("none", True)


# -- --dns ----------------------------------------------------------------------------


def test_dns_servers_are_addresses_in_one_spelling() -> None:
    assert network_flags.dns_servers(["192.0.2.1", "2001:DB8::0:1"]) == ("192.0.2.1", "2001:db8::1")
    with pytest.raises(InvalidArgument, match=r"invalid --dns 'resolver\.example'"):
        network_flags.dns_servers(["resolver.example"])


# -- --interface-name ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["a" * 16, "a/b", "a b", "tab\tx", ".", "..", "x:1", "a@b", "br+1", "x#"]
)  # fmt: skip
def test_interface_names_the_kernel_refuses_are_refused(name: str) -> None:
    with pytest.raises(InvalidArgument, match="interface-name"):
        network_flags.interface_name(name, [])


def test_interface_name_of_fifteen_characters_is_taken() -> None:
    assert network_flags.interface_name("a" * 15, []) == "a" * 15
    assert network_flags.interface_name("lab-0.x_1", []) == "lab-0.x_1"
    assert network_flags.interface_name("", ["hutch1"]) == ""  # hutchN, picked by the store


@pytest.mark.parametrize("name", ["hutch1", "lo", "tap0"])
def test_interface_name_in_use_is_refused(name: str) -> None:
    with pytest.raises(InvalidArgument, match=f"bridge name {name} already in use"):
        network_flags.interface_name(name, ["hutch1"])


# -- --route --------------------------------------------------------------------------


def test_routes_parse_with_and_without_metric() -> None:
    got = network_flags.routes(
        ["192.168.10.0/24,10.89.3.254", "10.10.0.0/16,10.89.3.2,100", "fd00:9::/64,fd00:3::9"],
        SUBNETS,
    )
    assert got == (
        NetworkRoute("192.168.10.0/24", "10.89.3.254", None),
        NetworkRoute("10.10.0.0/16", "10.89.3.2", 100),
        NetworkRoute("fd00:9::/64", "fd00:3::9", None),
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("192.168.10.0/24", "invalid route: 192.168.10.0/24\nFormat: --route"),
        ("a,b,c,d", "invalid route: a,b,c,d"),
        ("192.168.10.1,10.89.3.2", "invalid route destination 192.168.10.1"),
        ("300.0.0.0/8,10.89.3.2", "invalid route destination 300.0.0.0/8"),
        ("192.168.10.0/24,gw", "invalid route gateway gw"),
        ("192.168.10.0/24,10.89.3.2,-1", "invalid route metric -1"),
        ("192.168.10.0/24,10.89.3.2,4294967296", "invalid route metric 4294967296"),
        ("192.168.10.0/24,fd00:3::9", "not of one IP version"),
        ("192.168.10.0/24,10.90.0.1", "gateway 10.90.0.1 is not in a subnet of the network"),
    ],
)
def test_bad_routes_are_refused(value: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        network_flags.route(value, SUBNETS)
    assert message in exc.value.message


# -- the store: bridge names and members without addresses ---------------------------


@pytest.fixture
def networks(tmp_path: Path) -> NetworkStore:
    conn = db.connect(tmp_path / "db.sqlite")
    conn.execute(
        "INSERT INTO containers (id, name, image_id, image_name, created, config) "
        "VALUES ('c1aa0000bb', 'one', 'i', 'i', 0, x''), "
        "('c2cc0000dd', 'two', 'i', 'i', 0, x'')"
    )
    return NetworkStore(conn)


def _net(name: str, subnets: tuple[Subnet, ...] = (), bridge: str = "") -> NetworkSummary:
    return NetworkSummary(
        name, name * 8, "bridge", bridge, subnets, False, False, True, (), (), 5.0
    )


def _create(networks: NetworkStore, net: NetworkSummary) -> NetworkSummary:
    return decode(networks.create(encode(net), [s.subnet for s in net.subnets]))


def test_the_new_fields_read_back_as_written(networks: NetworkStore) -> None:
    net = replace(
        _net("n", SUBNETS[:1], bridge="lab0"),
        dns_servers=("192.0.2.53",),
        routes=(NetworkRoute("192.168.10.0/24", "10.89.3.254", 7),),
    )
    assert _create(networks, net) == net
    assert decode(networks.find("n")).ipam_driver == "host-local"


def test_a_given_bridge_name_is_kept_and_the_generated_ones_step_around_it(
    networks: NetworkStore,
) -> None:
    assert _create(networks, _net("a", bridge="hutch1")).bridge == "hutch1"
    assert _create(networks, _net("b")).bridge == "hutch2"
    with pytest.raises(InvalidArgument, match="bridge name hutch2 already in use"):
        _create(networks, _net("c", bridge="hutch2"))


def test_members_of_a_network_without_ipam_have_no_address(networks: NetworkStore) -> None:
    net = _create(networks, replace(_net("bare"), ipam_driver="none", dns=False))
    assert pools(net) == (None, None)
    one = networks.attach("c1aa0000bb", net.name, pools(net))
    two = networks.attach("c2cc0000dd", net.name, pools(net))  # no UNIQUE clash on ""
    assert (one.address, one.address6, two.address) == ("", "", "")
    assert one.mac != two.mac and one.mac.startswith("02:42:")
    assert [a.address for a in networks.attachments(network="bare")] == ["", ""]


# -- what inspect shows ---------------------------------------------------------------


def test_inspect_has_podmans_keys_for_the_new_fields() -> None:
    net = replace(
        _net("n", SUBNETS[:1], bridge="lab0"),
        dns_servers=("192.0.2.53", "192.0.2.54"),
        routes=(
            NetworkRoute("192.168.10.0/24", "10.89.3.254", None),
            NetworkRoute("10.10.0.0/16", "10.89.3.2", 100),
        ),
    )
    out = json_of(net)
    assert out["network_interface"] == "lab0"
    assert out["network_dns_servers"] == ["192.0.2.53", "192.0.2.54"]
    assert out["routes"] == [
        {"destination": "192.168.10.0/24", "gateway": "10.89.3.254"},
        {"destination": "10.10.0.0/16", "gateway": "10.89.3.2", "metric": 100},
    ]
    assert out["ipam_options"] == {"driver": "host-local"}
    assert row(net)["NetworkDNSServers"] == ["192.0.2.53", "192.0.2.54"]


def test_inspect_of_a_network_without_ipam_matches_podmans_shape() -> None:
    """podman 4.3.1's ``network inspect`` of ``--ipam-driver none``: no subnets key,
    dns off, ``ipam_options: {"driver": "none"}``; a member has only its MAC."""
    member = NetworkMember("c" * 64, "web", "", "eth0", "02:42:cc:cc:cc:cc")
    net = replace(_net("bare"), ipam_driver="none", dns=False, members=(member,))
    out = json_of(net)
    assert "subnets" not in out and "routes" not in out and "network_dns_servers" not in out
    assert (out["dns_enabled"], out["ipam_options"]) == (False, {"driver": "none"})
    assert out["containers"]["c" * 64]["interfaces"] == {
        "eth0": {"mac_address": "02:42:cc:cc:cc:cc"}
    }


# -- the container's resolv.conf on a network without addresses ------------------------


def test_resolv_conf_keeps_the_hosts_servers_on_a_network_without_a_gateway() -> None:
    bare = Attachment("bare", "hutch1", "eth0", "", 0, "", "")
    net = NetworkSpec(mode="bridge", attachments=(bare,))
    text = netconfig.resolv_text(RunOptions(image="i"), net, "nameserver 192.0.2.1\n")
    assert text == "nameserver 192.0.2.1\n"
    named = replace(bare, gateway="10.89.3.1", address="10.89.3.2")
    net = replace(net, attachments=(bare, named))
    # the network's name server alone, and podman's search domain of its names
    text = netconfig.resolv_text(RunOptions(image="i"), net, "nameserver 192.0.2.1\n")
    assert text == "search dns.podman\nnameserver 10.89.3.1\n"


def test_resolv_conf_names_the_dns_of_a_network_without_a_name_server() -> None:
    """podman: a network with DNS off gives its --dns servers to the container itself."""
    bare = Attachment("bare", "hutch1", "eth0", "", 0, "", "", direct_dns=("192.0.2.53",))
    quiet = Attachment("q", "hutch2", "eth1", "10.89.4.2", 24, "10.89.4.1", "10.89.4.0/24")
    net = NetworkSpec(mode="bridge", attachments=(bare, quiet))
    text = netconfig.resolv_text(RunOptions(image="i"), net, "nameserver 192.0.2.1\n")
    assert text == "search dns.podman\nnameserver 192.0.2.53\nnameserver 10.89.4.1\n"
    # only networks without a name server: no names of podman's to search for
    alone = NetworkSpec(mode="bridge", attachments=(bare,))
    text = netconfig.resolv_text(RunOptions(image="i"), alone, "search corp.test\n")
    assert text == "search corp.test\nnameserver 192.0.2.53\n"


def test_resolv_conf_searches_podmans_domain_before_the_hosts() -> None:
    """Current podman keeps the host's search domains after its networks' (4.3.1 wrote
    the networks' alone); --dns-search replaces both, "." leaves none."""
    named = Attachment("n", "hutch1", "eth0", "10.89.3.2", 24, "10.89.3.1", "10.89.3.0/24")
    net = NetworkSpec(mode="bridge", attachments=(named,))
    host = "nameserver 192.0.2.1\nsearch corp.test dns.podman\noptions ndots:2\n"
    text = netconfig.resolv_text(RunOptions(image="i"), net, host)
    assert text == "search dns.podman corp.test\nnameserver 10.89.3.1\noptions ndots:2\n"
    for given, line in (((".",), ""), (("x.test",), "search x.test\n")):
        opts = RunOptions(image="i", net=NetworkOptions(dns_search=given))
        text = netconfig.resolv_text(opts, net, host)
        assert text == f"{line}nameserver 10.89.3.1\noptions ndots:2\n"


def test_hosts_names_the_container_at_its_first_address() -> None:
    bare = Attachment("bare", "hutch1", "eth0", "", 0, "", "")
    net = NetworkSpec(mode="bridge", attachments=(bare,))
    alone = netconfig.hosts_text(RunOptions(image="i"), net, "h", "web")
    # no address at all (--ipam-driver none): podman names the container nowhere
    assert "\th web" not in alone
    named = replace(bare, network="front", gateway="10.89.3.1", address="10.89.3.2")
    text = netconfig.hosts_text(
        RunOptions(image="i"), replace(net, attachments=(bare, named)), "h", "web"
    )
    assert "10.89.3.2\th web\n" in text and "\n\th web" not in text


# -- the name server forwards per network ----------------------------------------------


def _query(name: str) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", 0x4321, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def test_responder_forwards_to_the_networks_own_servers(tmp_path: Path) -> None:
    r = Responder(tmp_path, [("192.0.2.1", 5300)], network_dns_port=5353)
    r.networks = {"own": {"servers": ["192.0.2.53"]}, "plain": {}}
    assert r.servers("own") == [("192.0.2.53", 5353)]
    assert r.servers("plain") == [("192.0.2.1", 5300)]
    assert r.servers("unknown") == [("192.0.2.1", 5300)]


def test_a_forwarded_question_reaches_the_networks_server(tmp_path: Path) -> None:
    """Over real loopback sockets: the question asked on network "own" arrives at the
    server that network names, not at the host's upstream."""
    own = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for s in (own, host, client):
        s.bind(("127.0.0.1", 0))
        s.settimeout(2)
    port = own.getsockname()[1]
    r = Responder(tmp_path, [("127.0.0.1", host.getsockname()[1])], network_dns_port=port)
    r.networks = {"own": {"servers": ["127.0.0.1"]}}
    raw = _query("elsewhere.test")
    q = dns.parse_query(raw)
    assert q is not None
    try:
        r._forward(client, client.getsockname(), raw, q.id, "own")
        data, _ = own.recvfrom(512)
        assert data[12:] == raw[12:]
        host.setblocking(False)
        with pytest.raises(BlockingIOError):
            host.recvfrom(512)
    finally:
        for s in (own, host, client, r.out4, *([r.out6] if r.out6 else [])):
            s.close()

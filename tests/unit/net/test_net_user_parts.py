"""Pure parts of user networks: DNS messages, nft rule text, IPAM, subnets, ``hutch port``."""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.containers import PortReport, PublishedPort
from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.api.networks import NetworkCreateOptions, NetworkSummary
from hutch.api.networks import NetworkSubnet as Subnet
from hutch.cli.port import lines_of
from hutch.engine import netconfig
from hutch.engine.network_record import decode, encode, pools
from hutch.engine.networks import _check_address, _check_mtu, _subnets
from hutch.net import dns, nftrules
from hutch.net.rootlessd import Responder, upstream_servers
from hutch.runtime.spec_network import NetworkSpec
from hutch.store import db
from hutch.store.networks import AttachmentRecord, NetworkStore, mac_for


def _query(name: str, qtype: int = dns.TYPE_A) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def test_dns_answer_has_the_address_and_echoes_the_question() -> None:
    raw = _query("Web.dns.hutch")
    q = dns.parse_query(raw)
    assert q is not None and q.name == "web.dns.hutch" and q.qtype == dns.TYPE_A
    out = dns.answer(raw, q, ["10.89.0.2", "fd00::2"])
    ident, flags, qd, an = struct.unpack("!HHHH", out[:8])
    assert (ident, qd, an) == (0x1234, 1, 1)
    assert flags & 0x8000 and flags & 0x0100 and not flags & 0x000F
    assert out.endswith(bytes([10, 89, 0, 2]))
    assert dns.answer(raw, dns.parse_query(_query("web", dns.TYPE_AAAA)) or q, ["10.89.0.2"])


def test_dns_rejects_responses_and_garbage() -> None:
    raw = bytearray(_query("a"))
    raw[2] |= 0x80
    assert dns.parse_query(bytes(raw)) is None
    assert dns.parse_query(b"\x00" * 5) is None
    assert dns.parse_query(_query("a")[:-3]) is None


def test_dns_ids_are_rewritten() -> None:
    assert dns.message_id(dns.with_id(_query("a"), 7)) == 7


def test_responder_answers_only_the_askers_networks(tmp_path: Path) -> None:
    r = Responder(tmp_path, ["127.0.0.1"])
    r.networks = {
        "one": {"records": {"a": ["10.89.0.2"]}, "members": {"10.89.0.2": "A", "10.89.0.3": "M"}},
        "two": {"records": {"b": ["10.89.1.2"]}, "members": {"10.89.1.2": "B", "10.89.1.3": "M"}},
        "three": {"records": {"c": ["10.89.2.2"]}, "members": {"10.89.2.2": "C"}},
    }
    assert r.lookup("one", "10.89.0.3", "b") == ["10.89.1.2"]  # M is on one and two
    assert r.lookup("one", "10.89.0.2", "b") == []  # A is on one only
    assert r.lookup("one", "10.89.0.3", "c") == []
    assert r.lookup("one", "10.89.0.9", "a") == ["10.89.0.2"]


def test_upstream_servers_of_resolv_conf() -> None:
    text = "# x\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nsearch a\n"
    assert upstream_servers(text) == ["127.0.0.53", "fe80::1"]
    assert upstream_servers("") == ["127.0.0.1"]


def test_nft_rules_isolate_and_masquerade() -> None:
    text = nftrules.network_rules("hutch1", "10.89.0.0/24", internal=False)
    assert text.startswith("table ip hutch_hutch1\ndelete table ip hutch_hutch1\n")
    assert 'iifname "hutch1" oifname != { "hutch1", "tap0" } drop' in text
    assert 'ip saddr 10.89.0.0/24 oifname "tap0" masquerade' in text
    sealed = nftrules.network_rules("hutch2", "10.89.1.0/24", internal=True)
    assert 'oifname != "hutch2" drop' in sealed and "masquerade" not in sealed
    ports = nftrules.port_rules("ab" * 32, [nftrules.Forward("udp", 5353, "10.89.0.2", 53)])
    assert "table ip hutchc_abababababab {" in ports
    assert 'iifname "tap0" udp dport 5353 dnat to 10.89.0.2:53' in ports


@pytest.fixture
def networks(tmp_path: Path) -> NetworkStore:
    conn = db.connect(tmp_path / "db.sqlite")
    conn.execute(
        "INSERT INTO containers (id, name, image_id, image_name, created, config) "
        "VALUES ('c1', 'one', 'i', 'i', 0, x''), "
        "('c2', 'two', 'i', 'i', 0, x'')"
    )
    return NetworkStore(conn)


def _net(name: str, subnet: str = "10.89.0.0/29", ip_range: str = "") -> NetworkSummary:
    gw = subnet.rsplit(".", 1)[0] + ".1"
    return NetworkSummary(
        name,
        name * 8,
        "bridge",
        "",
        (Subnet(subnet, gw, ip_range),),
        False,
        False,
        True,
        (),
        (),
        0.0,
    )


def _create(networks: NetworkStore, net: NetworkSummary) -> NetworkSummary:
    return decode(networks.create(encode(net), [s.subnet for s in net.subnets]))


def _attach(
    networks: NetworkStore,
    container_id: str,
    net: NetworkSummary,
    address: str | None = None,
    address6: str | None = None,
) -> AttachmentRecord:
    return networks.attach(container_id, net.name, pools(net), address=address, address6=address6)


def test_a_network_reads_back_as_written(networks: NetworkStore) -> None:
    """The engine's codec (engine/network_record.py) over the store's row and IPAM."""
    net = replace(
        _dual("d"),
        internal=True,
        dns=False,
        labels=(("team", "a"),),
        options=(("mtu", "1400"),),
        created=5.0,
    )
    assert _create(networks, net) == replace(net, bridge="hutch1")
    assert networks.used_subnets() == ["10.89.5.0/24", "fd00:5::/64"]


def test_ipam_hands_out_distinct_addresses_and_positions(networks: NetworkStore) -> None:
    net = _create(networks, _net("n"))
    assert net.bridge == "hutch1"
    assert _create(networks, _net("m", "10.89.1.0/24")).bridge == "hutch2"
    a = _attach(networks, "c1", net)
    b = _attach(networks, "c2", net)
    assert (a.address, b.address) == ("10.89.0.2", "10.89.0.3")
    assert _attach(networks, "c1", decode(networks.find("m"))).position == 1
    with pytest.raises(Conflict):
        _attach(networks, "c1", net)
    with pytest.raises(Conflict):
        networks.delete("n")
    networks.detach("c2", "n")
    assert _attach(networks, "c2", net, address="10.89.0.6").address == "10.89.0.6"
    assert mac_for("10.89.0.6") == "02:42:0a:59:00:06"


def test_ipam_pool_runs_out_and_overlaps_are_refused(networks: NetworkStore) -> None:
    net = _create(networks, _net("n", "10.89.0.0/30"))
    _attach(networks, "c1", net)
    with pytest.raises(Conflict, match="no free IP"):
        _attach(networks, "c2", net)
    with pytest.raises(InvalidArgument, match="already used"):
        _create(networks, _net("o", "10.89.0.0/24"))
    with pytest.raises(NoSuchObject):
        networks.find("nosuch")


def test_ipam_dual_stack_gives_both_addresses(networks: NetworkStore) -> None:
    six = Subnet("fd00:9::/64", "fd00:9::1")
    net = _create(networks, replace(_net("d"), subnets=(*_net("d").subnets, six), ipv6=True))
    a = _attach(networks, "c1", net)
    b = _attach(networks, "c2", net)
    assert (a.address, a.address6) == ("10.89.0.2", "fd00:9::2")
    assert b.address6 == "fd00:9::3"
    assert [x.address6 for x in networks.attachments(network="d")] == ["fd00:9::2", "fd00:9::3"]
    assert _attach(networks, "c1", _create(networks, _net("v4only", "10.89.1.0/24"))).address6 == ""
    with pytest.raises(InvalidArgument, match="already used"):
        _create(networks, replace(_net("o", "10.89.2.0/24"), subnets=(Subnet("fd00:9::/80", ""),)))


def test_ipam_under_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = db.connect(path)
    for i in range(8):
        conn.execute(
            "INSERT INTO containers (id, name, image_id, image_name, created, config) "
            f"VALUES ('c{i}', 'n{i}', 'i', 'i', 0, x'')"
        )
    _create(NetworkStore(conn), _net("n", "10.89.0.0/24"))
    got: list[str] = []

    def one(i: int) -> None:
        store = NetworkStore(db.connect(path))
        got.append(_attach(store, f"c{i}", decode(store.find("n"))).address)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 8


def test_subnets_default_and_validation() -> None:
    assert _subnets(NetworkCreateOptions(), ["10.89.0.0/24"])[0] == Subnet(
        "10.89.1.0/24", "10.89.1.1"
    )
    for opts, words in (
        (NetworkCreateOptions(subnets=("10.1.0.1/24",)), "invalid subnet"),
        (NetworkCreateOptions(subnets=("10.0.2.0/25",)), "rootless"),
        (NetworkCreateOptions(subnets=("fe80::/64",)), "not a unicast"),
        (NetworkCreateOptions(subnets=("fd00::/127",)), "two hosts"),
        (NetworkCreateOptions(subnets=("fd00::/64", "fd01::/64")), "one IPv6"),
        (NetworkCreateOptions(subnets=("10.1.0.0/24", "10.2.0.0/24")), "one IPv4"),
        (NetworkCreateOptions(subnets=("fd00::/64",), gateways=("fd01::1",)), "not in subnet"),
        (NetworkCreateOptions(subnets=("fd00::/64",), gateways=("10.0.0.1",)), "not in subnet"),
        (NetworkCreateOptions(subnets=("10.1.0.0/24",), gateways=("10.2.0.1",)), "not in subnet"),
        (NetworkCreateOptions(gateways=("10.2.0.1",)), "without subnet"),
        (
            NetworkCreateOptions(subnets=("10.1.0.0/24",), gateways=("10.1.0.1", "10.1.0.2")),
            "^cannot set more gateways than subnets$",
        ),
        (
            NetworkCreateOptions(subnets=("10.1.0.0/24",), ip_ranges=("10.1.0.0/26",) * 2),
            "^cannot set more ranges than subnets$",
        ),
        (NetworkCreateOptions(subnets=("10.1.0.0/24",), ip_ranges=("10.1.1.0/28",)), "start ip"),
    ):
        with pytest.raises(InvalidArgument, match=words):
            _subnets(opts, [])
    fixed = _subnets(
        NetworkCreateOptions(
            subnets=("10.1.0.0/24",), gateways=("10.1.0.254",), ip_ranges=("10.1.0.128/25",)
        ),
        [],
    )
    assert fixed == (Subnet("10.1.0.0/24", "10.1.0.254", "10.1.0.128/25"),)


def test_a_subnet_over_a_host_address_is_refused_and_never_picked() -> None:
    host = [ipaddress.ip_network("10.89.0.0/24"), ipaddress.ip_network("192.0.2.0/24")]
    with pytest.raises(
        InvalidArgument, match=r"^subnet 192\.0\.2\.0/25 is already used on the host"
    ):
        _subnets(NetworkCreateOptions(subnets=("192.0.2.0/25",)), [], host)
    # the overlap is found before the gateway is looked at, as podman does
    bad_gateway = NetworkCreateOptions(subnets=("192.0.2.0/24",), gateways=("10.0.0.1",))
    with pytest.raises(InvalidArgument, match="already used"):
        _subnets(bad_gateway, [], host)
    assert _subnets(NetworkCreateOptions(), [], host)[0].subnet == "10.89.1.0/24"


def _newaddr(family: int, prefix: int, *attrs: tuple[int, bytes]) -> bytes:
    body = struct.pack("=BBBBI", family, prefix, 0, 0, 1)
    for kind, payload in attrs:
        body += struct.pack("=HH", 4 + len(payload), kind) + payload
        body += b"\0" * (-len(payload) % 4)
    return struct.pack("=IHHII", 16 + len(body), 20, 2, 1, 0) + body


def test_the_host_subnets_are_read_from_a_netlink_dump() -> None:
    from hutch.linux.ifaddrs import parse_dump

    v4 = socket.inet_pton(socket.AF_INET, "192.0.2.7")
    peer = socket.inet_pton(socket.AF_INET, "198.51.100.1")
    v6 = socket.inet_pton(socket.AF_INET6, "fd00:5::9")
    reply = _newaddr(socket.AF_INET, 24, (1, v4)) + _newaddr(socket.AF_INET6, 64, (1, v6))
    # point-to-point: IFA_ADDRESS is the peer's, IFA_LOCAL ours
    reply += _newaddr(socket.AF_INET, 32, (1, peer), (2, v4))
    assert parse_dump(reply) == (
        False,
        [
            ipaddress.ip_interface("192.0.2.7/24"),
            ipaddress.ip_interface("fd00:5::9/64"),
            ipaddress.ip_interface("192.0.2.7/32"),
        ],
    )
    done = struct.pack("=IHHII", 20, 3, 2, 1, 0) + b"\0" * 4
    assert parse_dump(done) == (True, [])


def test_the_host_subnets_of_this_host_hold_its_loopback() -> None:
    from hutch.linux.ifaddrs import host_subnets

    assert ipaddress.ip_network("127.0.0.0/8") in host_subnets()


def test_ipv6_subnets_make_a_dual_stack_network() -> None:
    v4, ula = _subnets(NetworkCreateOptions(ipv6=True), ["10.89.0.0/24"])
    assert v4 == Subnet("10.89.1.0/24", "10.89.1.1")
    net = ipaddress.IPv6Network(ula.subnet)
    assert net.prefixlen == 64 and net.subnet_of(ipaddress.IPv6Network("fd00::/8"))
    assert ula.gateway == str(net.network_address + 1)
    # an IPv6 --subnet alone implies --ipv6; the IPv4 one is picked from the pool
    both = _subnets(
        NetworkCreateOptions(
            subnets=("fd00:1::/64", "10.7.0.0/24"),
            gateways=("fd00:1::fe", ""),
            ip_ranges=("fd00:1::100/120",),
        ),
        [],
    )
    assert both == (
        Subnet("10.7.0.0/24", "10.7.0.1"),
        Subnet("fd00:1::/64", "fd00:1::fe", "fd00:1::100/120"),
    )
    only6 = _subnets(NetworkCreateOptions(subnets=("fd00:2::/64",)), [])
    assert [s.subnet for s in only6] == ["10.89.0.0/24", "fd00:2::/64"]


def test_network_modes_and_their_checks() -> None:
    assert [netconfig.kind(m) for m in ("none", "container:x", "ns:/p", "a,b")] == [
        "none",
        "join",
        "join",
        "bridge",
    ]
    assert netconfig.user_networks("a,b") == ["a", "b"]
    # create loads the network records' code only for the modes that read records
    looks = [netconfig.looks_up_records(m) for m in ("container:x", "ns:/p", "a,b", "mynet")]
    assert looks == [True, True, True, True]
    for mode in ("none", "host", "private", "pasta", "slirp4netns", "pasta:-T,8080"):
        assert not netconfig.looks_up_records(mode), mode
    # and a start only for a joined container (its pid changes) or user networks
    from hutch.engine.netquery import start_needs_networks
    from hutch.runtime.spec_network import NetworkSpec

    assert start_needs_networks(NetworkSpec(mode="bridge"))
    assert start_needs_networks(NetworkSpec(mode="join", join_container="c" * 64))
    assert not start_needs_networks(NetworkSpec(mode="join", join="/proc/1/ns/net"))
    for mode in ("none", "host", "private"):
        assert not start_needs_networks(NetworkSpec(mode=mode)), mode
    # slirp4netns:port_handler=rootlesskit with ports: the holder must run
    proxied = NetworkSpec(mode="private", port_proxy=True, runtime_dir="/run/x")
    assert start_needs_networks(proxied)
    assert not start_needs_networks(NetworkSpec(mode="private", port_proxy=True))
    for mode, net in (
        ("a,a", NetworkOptions()),
        ("bad name", NetworkOptions()),
        ("container:", NetworkOptions()),
        ("private", NetworkOptions(ip="10.0.0.2")),
        ("a", NetworkOptions(ip="nope")),
        ("private", NetworkOptions(aliases=("x",))),
        ("container:x", NetworkOptions(publish=("80",))),
    ):
        with pytest.raises(InvalidArgument):
            netconfig.validate(RunOptions(image="i", network=mode, net=net))
    netconfig.validate(RunOptions(image="i", network="a,b", net=NetworkOptions(ip="10.1.0.5")))


@pytest.mark.parametrize(
    "net",
    [
        NetworkSpec(mode="bridge"),
        NetworkSpec(mode="join", join_container="c" * 64),
        NetworkSpec(mode="join", join="/proc/1/ns/net"),
        NetworkSpec(mode="private", backend="pasta"),
        NetworkSpec(mode="private", backend="slirp4netns", port_proxy=True, runtime_dir="/r"),
        NetworkSpec(mode="private", backend="slirp4netns", port_proxy=True),  # no ports
        NetworkSpec(),
        NetworkSpec(mode="host"),
    ],
)
def test_a_start_reads_its_network_s_needs_as_the_decoded_spec_says(
    net: NetworkSpec, tmp_path: Path
) -> None:
    # run's start reads the spec's network object alone, not the whole spec (issue 16)
    from hutch.engine.netquery import start_needs_networks, start_needs_networks_at
    from hutch.runtime.spec import Process, Rootfs, Spec
    from hutch.runtime.spec_io import spec_to_json

    spec = Spec(id="c" * 64, hostname="h", process=Process(args=("sh",), env=()),
                rootfs=Rootfs("bind", "/x"), network=net)  # fmt: skip
    (tmp_path / "config.json").write_bytes(spec_to_json(spec))
    assert start_needs_networks_at(tmp_path) == start_needs_networks(net)
    # a spec it cannot read so is decoded, as before: none there, none here
    (tmp_path / "config.json").write_bytes(b'{"network": {"mode": 1}}')
    assert not start_needs_networks_at(tmp_path)
    assert not start_needs_networks_at(tmp_path / "gone")


def test_port_lines() -> None:
    report = PortReport(
        "f" * 64,
        "web",
        (PublishedPort("", 8080, 80, "tcp"), PublishedPort("127.0.0.1", 5353, 53, "udp")),
    )
    assert lines_of(report, None, "") == ["80/tcp -> 0.0.0.0:8080", "53/udp -> 127.0.0.1:5353"]
    assert lines_of(report, "53/udp", "id\t") == ["id\t127.0.0.1:5353"]
    with pytest.raises(Exception) as missing:
        lines_of(report, "53", "")
    assert str(missing.value) == 'failed to find published port "53"'  # podman's %q
    with pytest.raises(InvalidArgument):
        lines_of(report, "x/sctp", "")


def _dual(name: str) -> NetworkSummary:
    v4 = Subnet("10.89.5.0/24", "10.89.5.1", "")
    v6 = Subnet("fd00:5::/64", "fd00:5::1", "")
    return replace(_net(name), subnets=(v4, v6), ipv6=True)


def test_ip6_is_taken_as_given_and_once(networks: NetworkStore) -> None:
    net = _create(networks, _dual("d"))
    a = _attach(networks, "c1", net, address6="fd00:5:0:0::0042")
    assert a.address6 == "fd00:5::42"  # one spelling, whatever was typed
    with pytest.raises(Conflict, match="fd00:5::42"):
        _attach(networks, "c2", net, address6="fd00:5::42")
    assert _attach(networks, "c2", net).address6 not in ("", "fd00:5::42")


@pytest.mark.parametrize(
    ("ip6", "needle"),
    [
        ("fd00:6::1", "not a host address"),
        ("fd00:5::", "not a host address"),
        ("fd00:5::1", "gateway"),
        ("10.89.5.9", "not an IPv6 address"),
    ],
)
def test_ip6_checks(ip6: str, needle: str) -> None:
    with pytest.raises(InvalidArgument, match=needle):
        _check_address(_dual("d"), ip6, 6)
    with pytest.raises(InvalidArgument, match="no IPv6 subnet"):
        _check_address(_net("v4"), "fd00:5::9", 6)


@pytest.mark.parametrize(
    ("ip", "needle"),
    [
        ("10.89.5.255", "not a host address"),
        ("10.89.6.2", "not a host address"),
        ("10.89.5.1", "gateway"),
        ("fd00:5::9", "not an IPv4 address"),
        ("10.89.5", "not an IPv4 address"),
    ],
)
def test_ip_checks(ip: str, needle: str) -> None:
    with pytest.raises(InvalidArgument, match=needle):
        _check_address(_dual("d"), ip, 4)
    _check_address(_dual("d"), "10.89.5.9", 4)  # a host address passes


def test_a_taken_address_is_refused_in_podmans_words(networks: NetworkStore) -> None:
    net = _create(networks, _net("n"))
    _attach(networks, "c1", net, address="10.89.0.5")
    with pytest.raises(Conflict) as refused:
        _attach(networks, "c2", net, address="10.89.0.5")
    # podman 4.3.1's IPAM error (it gives it at start)
    assert refused.value.message == (
        "IPAM error: requested ip address 10.89.0.5 is already allocated to container ID c1"
    )


def test_a_shared_address_held_by_another_is_left_out_of_the_row(
    networks: NetworkStore,
) -> None:
    net = _create(networks, _net("n"))
    _attach(networks, "c1", net, address="10.89.0.5")
    # a pod clone's infra: made with the address in its record (its spec), not its row
    made = networks.attach("c2", "n", pools(net), address="10.89.0.5", shared=True)
    assert (made.address, made.mac) == ("10.89.0.5", "02:42:0a:59:00:05")
    held = [(a.container_id, a.address) for a in networks.attachments(network="n")]
    assert held == [("c1", "10.89.0.5"), ("c2", "")]
    networks.detach("c1", "n")  # shared, but free: it is the container's
    networks.detach("c2", "n")
    free = networks.attach("c2", "n", pools(net), address="10.89.0.5", shared=True)
    assert networks.attachments(container_id="c2") == [free]


def test_an_attachment_taken_back_takes_its_address_from_its_holder(
    networks: NetworkStore,
) -> None:
    net = _create(networks, _net("n"))
    (held,) = [_attach(networks, "c1", net, address="10.89.0.5")]
    networks.attach("c2", "n", pools(net), address="10.89.0.5", shared=True)
    asked: list[str] = []
    with pytest.raises(Conflict) as refused:  # the holder may not lose it (it runs)
        networks.take(replace(held, container_id="c2"), lambda h: bool(asked.append(h)))
    assert asked == ["c1"]
    assert refused.value.message.endswith("10.89.0.5 is already allocated to container ID c1")
    assert [a.address for a in networks.attachments(network="n")] == ["10.89.0.5", ""]
    networks.take(replace(held, container_id="c2"), lambda h: True)  # out of c1's row
    assert [(a.container_id, a.address) for a in networks.attachments(network="n")] == [
        ("c1", ""),  # the row stays
        ("c2", "10.89.0.5"),
    ]
    networks.take(held, lambda h: True)  # in place of c1's row, out of c2's
    assert [(a.container_id, a.address) for a in networks.attachments(network="n")] == [
        ("c1", "10.89.0.5"),
        ("c2", ""),
    ]
    networks.detach("c1", "n")  # c2's row holds no address: .5 is free once c1 is gone
    assert _attach(networks, "c1", net, address="10.89.0.5").address == "10.89.0.5"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("abc", 'strconv.Atoi: parsing "abc": invalid syntax'),  # podman's words
        ("-5", "mtu -5 is less than zero"),
        ("9", "invalid mtu '9': use 68 to 65520"),  # podman takes it; netavark fails later
    ],
)
def test_a_bad_mtu_is_refused(value: str, words: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        _check_mtu(value)
    assert str(refused.value) == words
    _check_mtu("1400")

"""Publish specs, resolv.conf and /etc/hosts of the private network."""

from __future__ import annotations

import socket

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument, PortInUse
from hutch.engine import netconfig, ports
from hutch.runtime.spec_network import NetworkSpec, PortMapping


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ("80", [PortMapping("", 0, 80, "tcp")]),
        ("8080:80", [PortMapping("", 8080, 80, "tcp")]),
        ("127.0.0.1:8080:80/udp", [PortMapping("127.0.0.1", 8080, 80, "udp")]),
        ("127.0.0.1::80", [PortMapping("127.0.0.1", 0, 80, "tcp")]),
        ("[::1]:8080:80", [PortMapping("::1", 8080, 80, "tcp")]),
        ("8000-8001:80-81", [PortMapping("", 8000, 80), PortMapping("", 8001, 81)]),
    ],
)
def test_publish_specs(spec: str, want: list[PortMapping]) -> None:
    assert ports.parse_publish(spec) == want


@pytest.mark.parametrize("spec", ["", "x", "0", "70000", "80/sctp", "1:2:3:4", "9-8", "a.b:1:2"])
def test_bad_publish_specs(spec: str) -> None:
    with pytest.raises(InvalidArgument, match="publish spec"):
        ports.parse_publish(spec)


def test_allocate_picks_free_ports_and_refuses_busy_ones() -> None:
    got = ports.allocate([PortMapping("127.0.0.1", 0, 80)])
    assert got[0].host_port > 0 and got[0].container_port == 80
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(PortInUse) as caught:
            ports.allocate([PortMapping("127.0.0.1", port, 80)])
    # podman's first line and exit code; hutch's explanation is the hint
    assert caught.value.exit_code == 126
    assert str(caught.value) == (
        f"rootlessport listen tcp 127.0.0.1:{port}: bind: address already in use"
    )
    assert caught.value.hint is not None and f"{port}/tcp" in caught.value.hint


def test_a_released_port_is_taken_over_though_in_use() -> None:
    # pod clone --destroy: the clone's infra takes the ports the original still holds
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        mapping = PortMapping("127.0.0.1", port, 80)
        assert ports.allocate([mapping], frozenset({(port, "tcp")})) == (mapping,)
        with pytest.raises(PortInUse):  # the same port of another protocol is not released
            ports.check_free([mapping], frozenset({(port, "udp")}))
        with pytest.raises(InvalidArgument, match="published twice"):
            ports.check_free([mapping, mapping], frozenset({(port, "tcp")}))


def test_exposed_ports() -> None:
    assert ports.exposed(["80/tcp", "53/udp"]) == [
        PortMapping("", 0, 80, "tcp"),
        PortMapping("", 0, 53, "udp"),
    ]


HOST_RESOLV = "nameserver 127.0.0.53\nsearch corp.test\noptions edns0\n"


def test_private_resolv_conf_uses_the_forwarder_and_keeps_search() -> None:
    text = netconfig.resolv_text(RunOptions("i"), NetworkSpec(mode="private"), HOST_RESOLV)
    assert text == "nameserver 10.0.2.3\nsearch corp.test\noptions edns0\n"


def test_dns_flags_override() -> None:
    opts = RunOptions("i", net=NetworkOptions(dns=("1.1.1.1",), dns_search=(".",)))
    text = netconfig.resolv_text(opts, NetworkSpec(mode="private"), HOST_RESOLV)
    assert text == "nameserver 1.1.1.1\noptions edns0\n"


def test_private_hosts_name_the_host() -> None:
    opts = RunOptions("i", net=NetworkOptions(add_hosts=("gw:host-gateway", "db:192.0.2.9")))
    text = netconfig.hosts_text(opts, NetworkSpec(mode="private"), "box", "web")
    assert "10.0.2.100\tbox web\n" in text
    assert "10.0.2.2\thost.containers.internal host.docker.internal\n" in text
    # podman writes the --add-host lines first: they stand over the names hutch adds
    assert text.startswith("10.0.2.2\tgw\n192.0.2.9\tdb\n127.0.0.1\tlocalhost")


@pytest.mark.parametrize(
    ("net", "match"),
    [
        (NetworkOptions(add_hosts=("nocolon",)), "--add-host"),
        (NetworkOptions(dns=("not-an-ip",)), "--dns"),
        (NetworkOptions(ip="10.0.0.5"), "--ip"),
    ],
)
def test_bad_network_flags(net: NetworkOptions, match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        netconfig.validate(RunOptions("i", network="private", net=net))


def test_malformed_network_is_refused() -> None:
    # a well-formed name is a user-defined network, looked up by the engine
    with pytest.raises(InvalidArgument, match="invalid --network 'my net'"):
        netconfig.validate(RunOptions("i", network="my net"))

"""Publish specs, resolv.conf and /etc/hosts of the private network."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument, PortInUse
from hutch.engine import netconfig, ports
from hutch.linux import ifaddrs
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


_RANGE = "port numbers must be between 1 and 65535 (inclusive), got"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "must provide a non-empty container port to publish"),
        ("x", 'parsing container port: invalid port number: strconv.Atoi: parsing "x": invalid '
              "syntax"),
        ("0", f"parsing container port: {_RANGE} 0"),
        ("99999:80", f"parsing host port: {_RANGE} 99999"),
        ("+80:-1", "parsing container port: port numbers cannot be negative"),
        ("80/sctp", "-p 80/sctp: hutch publishes tcp and udp ports only, not sctp"),
        ("80/xyz", 'unrecognized protocol "xyz" in port mapping'),
        ("80/", "must provide a non-empty protocol to publish"),
        ("80/tcp/udp", "invalid port format - protocol can only be specified once"),
        ("1:2:3:4", "invalid port format - format is [[hostIP:]hostPort:]containerPort"),
        ("9-8", "parsing container port: the end port of a range must be higher than the start "
                "port - 8 is not higher than 9"),
        ("80-81:90", "host and container port ranges have different lengths: 2 vs 1"),
        ("1-2-3", "parsing container port: invalid port format - port ranges are formatted as "
                  "startPort-stopPort"),
        ("a.b:1:2", 'cannot parse "a.b" as an IP address'),
        (":1:2", "must provide a non-empty container host IP to publish"),
        ("[::1]:80", "invalid port format - must provide host and destination port if "
                     "specifying an IP"),
        ("::1]:1:2", "invalid port format - IPv6 addresses must be enclosed by []"),
    ],
)  # fmt: skip
def test_bad_publish_specs_in_podmans_words(spec: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        ports.parse_publish(spec)
    assert str(caught.value) == message


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


def test_a_privileged_port_names_the_sysctl_as_podman_does() -> None:
    # what bind(2) gives an unprivileged user for -p 80:80 (the tests may run as root)
    denied = PermissionError(errno.EACCES, "Permission denied")
    start = ports.unprivileged_port_start()
    if start < 2:
        pytest.skip("this host lets every user bind every port")
    low = PortMapping("", start - 1, 80)
    assert ports._podman_bind_error(low, denied) == (
        f"rootlessport cannot expose privileged port {start - 1}, you can add "
        f"'net.ipv4.ip_unprivileged_port_start={start - 1}' to /etc/sysctl.conf "
        f"(currently {start}), or choose a larger port number (>= {start}): "
        f"listen tcp 0.0.0.0:{start - 1}: bind: permission denied"
    )
    assert ports._bind_hint(low, denied) is None  # the message says it all
    high = PortMapping("127.0.0.1", start + 1, 80)
    assert ports._podman_bind_error(high, denied) == (
        f"rootlessport listen tcp 127.0.0.1:{start + 1}: bind: permission denied"
    )


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


HOST_RESOLV = "nameserver 127.0.0.1\nnameserver 192.0.2.53\nsearch corp.test\noptions edns0\n"


def test_private_resolv_conf_uses_the_forwarder_and_keeps_search() -> None:
    # podman's order: search, the servers (the forwarder first), options
    text = netconfig.resolv_text(RunOptions("i"), NetworkSpec(mode="private"), HOST_RESOLV)
    assert text == ("search corp.test\nnameserver 10.0.2.3\nnameserver 192.0.2.53\noptions edns0\n")


def test_dns_flags_override() -> None:
    opts = RunOptions("i", net=NetworkOptions(dns=("1.1.1.1",), dns_search=(".",)))
    text = netconfig.resolv_text(opts, NetworkSpec(mode="private"), HOST_RESOLV)
    assert text == "nameserver 1.1.1.1\noptions edns0\n"


def test_private_hosts_name_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ifaddrs, "local_ip", lambda exclude=(): "192.0.2.44")
    opts = RunOptions("i", net=NetworkOptions(add_hosts=("gw:host-gateway", "db:192.0.2.9")))
    text = netconfig.hosts_text(opts, NetworkSpec(mode="private"), "box", "web")
    assert "10.0.2.100\tbox web\n" in text
    # the host's own address, as podman names it (not the gateway, 10.0.2.2)
    assert "192.0.2.44\thost.containers.internal host.docker.internal\n" in text
    # podman writes the --add-host lines first: they stand over the names hutch adds
    assert text.startswith("192.0.2.44\tgw\n192.0.2.9\tdb\n127.0.0.1\tlocalhost")


@pytest.mark.parametrize(
    ("net", "match"),
    [
        (NetworkOptions(add_hosts=("nocolon",)), '^bad format for add-host: "nocolon"$'),
        (NetworkOptions(add_hosts=("db:x",)), '^invalid IP address in add-host: "x"$'),
        (NetworkOptions(dns=("not-an-ip",)), "^not-an-ip is not an ip address$"),
        (
            NetworkOptions(dns=("1.1.1.1", "none")),
            "^none is not allowed to be specified with other DNS ip addresses$",
        ),
        (NetworkOptions(ip="10.0.0.5"), "^invalid config provided: networks and static ip/mac"),
        (NetworkOptions(ip="bogus"), '^"bogus" is not an ip address$'),
        (NetworkOptions(ip="::1"), "^::1 is not an IPv4 address$"),
        (NetworkOptions(ip6="bogus"), '^"bogus" is not an ip address$'),
        (NetworkOptions(ip6="10.0.0.5"), "^10.0.0.5 is not an IPv6 address$"),
        (NetworkOptions(mac_address="bogus"), "^address bogus: invalid MAC address$"),
        # podman's order: a bad value is named before the mode that cannot take it
        (NetworkOptions(ip="bogus", publish=("99999",)), "^parsing container port"),
    ],
)
def test_bad_network_flags(net: NetworkOptions, match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        netconfig.validate(RunOptions("i", network="private", net=net))


@pytest.mark.parametrize(
    ("mode", "net", "shown"),
    [
        ("none", NetworkOptions(dns=("1.1.1.1",)), "none"),
        ("none", NetworkOptions(dns=("none",)), "none"),
        ("none", NetworkOptions(dns_search=("x.test",)), "none"),
        ("container:web", NetworkOptions(dns_options=("ndots:1",)), "container"),
    ],
)
def test_dns_flags_on_a_container_without_a_network_of_its_own(
    mode: str, net: NetworkOptions, shown: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        netconfig.check_dns_flags(RunOptions("i", network=mode, net=net))
    assert str(raised.value) == f"conflicting options: dns and the network mode: {shown}"
    netconfig.check_dns_flags(RunOptions("i", network="host", net=net))  # podman takes it


def test_dns_none_keeps_the_images_resolv_conf(tmp_path: Path) -> None:
    opts = RunOptions("i", network="private", net=NetworkOptions(dns=("none",)))
    netconfig.validate(opts)
    files = netconfig.write_etc_files(tmp_path, opts, NetworkSpec(mode="private"), "box", "web")
    assert [dest for dest, _ in files] == ["/etc/hostname", "/etc/hosts"]


def test_malformed_network_is_refused() -> None:
    # a well-formed name is a user-defined network, looked up by the engine
    with pytest.raises(InvalidArgument, match="invalid --network 'my net'"):
        netconfig.validate(RunOptions("i", network="my net"))

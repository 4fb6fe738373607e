"""Dual-stack user networks for real: IPv6 addresses, AAAA answers, reach over IPv6."""

from __future__ import annotations

import ipaddress
import json

from harness import Hutch

WEB = "echo six > /index.html && exec httpd -f -p 80 -h /"


def _inspect(hutch: Hutch, network: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(hutch("network", "inspect", network).stdout)[0]
    return result


def _aaaa(hutch: Hutch, image: str, network: str, name: str) -> str:
    out = hutch("run", "--rm", "--network", network, image, "nslookup", "-type=aaaa", name).stdout
    found = [line.split()[-1] for line in out.splitlines() if line.startswith("Address:")][1:]
    assert len(found) == 1, out
    return found[0]


def test_ipv6_network_addresses_names_and_reach(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--ipv6", "dual")
    info = _inspect(hutch, "dual")
    subnets = info["subnets"]
    assert isinstance(subnets, list) and len(subnets) == 2
    v4, v6 = (ipaddress.ip_network(s["subnet"]) for s in subnets)
    assert v4.version == 4 and v6.version == 6 and v6.prefixlen == 64
    assert v6.subnet_of(ipaddress.IPv6Network("fd00::/8"))  # a unique local address block
    assert info["ipv6_enabled"] is True
    hutch("run", "-d", "--name", "web6", "--network", "dual", "--network-alias", "www", base_image,
          "sh", "-c", WEB)  # fmt: skip
    addrs = hutch("exec", "web6", "ip", "-o", "addr", "show", "eth0").stdout
    ours = [ipaddress.ip_interface(line.split()[3]) for line in addrs.splitlines()]
    assert any(i.ip in v4 for i in ours) and any(i.ip in v6 for i in ours), addrs
    address6 = _aaaa(hutch, base_image, "dual", "web6")
    assert ipaddress.ip_address(address6) in v6
    assert _aaaa(hutch, base_image, "dual", "www") == address6
    # another container reaches it over IPv6, by the address the name server gave
    script = (
        f"for i in $(seq 50); do wget -qO- 'http://[{address6}]/' && exit 0; sleep 0.1; done; "
        "exit 1"
    )
    assert hutch("run", "--rm", "--network", "dual", base_image, "sh", "-c", script).stdout == (
        "six\n"
    )
    ping = hutch("run", "--rm", "--cap-add", "NET_RAW", "--network", "dual", base_image,
                 "ping6", "-c1", "-W3", "web6")  # fmt: skip
    assert "1 packets received" in ping.stdout
    members = _inspect(hutch, "dual")["containers"]
    assert isinstance(members, dict)
    (member,) = members.values()
    nets = [s["ipnet"] for s in member["interfaces"]["eth0"]["subnets"]]
    assert address6 in nets and len(nets) == 2
    # another IPv6 network does not reach it
    hutch("network", "create", "--ipv6", "other6")
    probe = f"wget -T 2 -qO- 'http://[{address6}]/' && echo reached"
    cross = hutch("run", "--rm", "--network", "other6", base_image, "sh", "-c", probe, check=False)
    assert "reached" not in cross.stdout


def test_given_ipv6_subnet_and_its_checks(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--subnet", "10.96.0.0/24", "--subnet", "fd00:96::/64",
          "--gateway", "10.96.0.1", "--gateway", "fd00:96::fe", "given")  # fmt: skip
    info = _inspect(hutch, "given")
    assert info["subnets"] == [
        {"subnet": "10.96.0.0/24", "gateway": "10.96.0.1"},
        {"subnet": "fd00:96::/64", "gateway": "fd00:96::fe"},
    ]
    out = hutch("run", "--rm", "--network", "given", base_image, "sh", "-c",
                "ip -o addr show eth0; ip -6 route; cat /etc/hosts").stdout  # fmt: skip
    assert "inet 10.96.0.2/24" in out and "inet6 fd00:96::1/64" in out
    assert "default via fd00:96::fe dev eth0" in out
    assert "fd00:96::1\t" in out
    for args in (
        ("--subnet", "fd00:96::/80"),  # overlaps "given"
        ("--subnet", "fe80::/64"),
        ("--subnet", "fd00:97::/64", "--subnet", "fd00:98::/64"),
        ("--subnet", "fd00:97::/64", "--gateway", "fd00:99::1"),
        ("--subnet", "fd00:97::/127"),
    ):
        result = hutch("network", "create", *args, "bad6", check=False)
        assert result.returncode == 125, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert hutch("network", "exists", "bad6", check=False).returncode == 1


def test_ip6_chooses_the_address_on_run_and_connect(hutch: Hutch, base_image: str) -> None:
    hutch("network", "create", "--subnet", "10.97.0.0/24", "--subnet", "fd00:97::/64", "fixed")
    hutch("network", "create", "--subnet", "10.98.0.0/24", "--subnet", "fd00:98::/64", "second")
    hutch("network", "create", "--subnet", "10.99.0.0/24", "v4only")
    hutch("run", "-d", "--name", "pinned", "--network", "fixed", "--ip6", "fd00:97::0042",
          base_image, "sleep", "60")  # fmt: skip
    shown = hutch("exec", "pinned", "ip", "-o", "-6", "addr", "show", "eth0").stdout
    assert "fd00:97::42/64" in shown
    # the same address again is a conflict; a bad one or a v4-only network is refused
    refused = [
        ("fixed", "fd00:97::42"),
        ("fixed", "fd00:99::1"),
        ("fixed", "fd00:97::"),
        ("fixed", "10.97.0.9"),
        ("v4only", "fd00::5"),
    ]
    for network, ip6 in refused:
        argv = ["run", "--rm", "--network", network, "--ip6", ip6, base_image, "true"]
        result = hutch(*argv, check=False)
        assert result.returncode == 125, (network, ip6, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert hutch("ps", "-aq").stdout.count("\n") == 1  # only "pinned": nothing half-made
    hutch("network", "connect", "--ip6", "fd00:98::7", "second", "pinned")
    shown = hutch("exec", "pinned", "ip", "-o", "-6", "addr", "show", "eth1").stdout
    assert "fd00:98::7/64" in shown
    hutch("rm", "-f", "-t", "0", "pinned")

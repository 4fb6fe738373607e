"""--network slirp4netns:OPTIONS and pasta:OPTIONS (issue 15): podman's option names
and refusals (Debian's podman 4.3.1's words), and the helpers' command lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.helper_options import HelperOptions, parse
from hutch.runtime import nethelper
from hutch.runtime.spec_network import NetworkSpec, PortMapping


def test_no_options_is_the_default_layout() -> None:
    for mode in ("private", "slirp4netns", "pasta", "host", "mynet"):
        assert parse(mode) == HelperOptions()


def test_slirp4netns_options_become_its_flags() -> None:
    got = parse(
        "slirp4netns:allow_host_loopback=false,enable_ipv6=true,mtu=1400,"
        "outbound_addr=127.0.0.1,outbound_addr6=::1,port_handler=slirp4netns"
    )
    assert got.args == (
        "--disable-host-loopback", "--enable-ipv6", "--mtu", "1400",
        "--outbound-addr=127.0.0.1", "--outbound-addr6=::1",
    )  # fmt: skip
    # the defaults slirp4netns has already: nothing to add
    assert parse("slirp4netns:allow_host_loopback=true,enable_ipv6=0").args == ()
    assert parse("slirp4netns:port_handler=rootlesskit").args == ()
    # rootlesskit: the rootless namespace's port proxy; slirp4netns's own forwarder else
    assert parse("slirp4netns:port_handler=rootlesskit").spec("slirp4netns").port_proxy
    assert not parse("slirp4netns:port_handler=slirp4netns").spec("slirp4netns").port_proxy
    assert not parse("slirp4netns:mtu=1400").spec("slirp4netns").port_proxy
    assert parse("slirp4netns:outbound_addr=lo").args == ("--outbound-addr=lo",)


def test_a_cidr_moves_the_layout() -> None:
    got = parse("slirp4netns:cidr=10.5.0.0/24")
    assert got.args == ("--cidr", "10.5.0.0/24")
    assert (got.address, got.gateway, got.dns) == ("10.5.0.100", "10.5.0.2", "10.5.0.3")
    spec = got.spec("slirp4netns", (PortMapping("", 8080, 80),))
    assert (spec.mode, spec.backend, spec.address, spec.helper_args[0]) == (
        "private", "slirp4netns", "10.5.0.100", "--cidr",
    )  # fmt: skip
    assert spec.ports == (PortMapping("", 8080, 80),)


@pytest.mark.parametrize(
    ("mode", "message"),
    [("slirp4netns:foo=bar", 'unknown option for slirp4netns: "foo=bar"'),
     ("slirp4netns:mtu", 'unknown option for slirp4netns: "mtu"'),
     ("slirp4netns:", 'unknown option for slirp4netns: ""'),
     ("slirp4netns:mtu=abc", 'invalid mtu "abc"'),
     ("slirp4netns:allow_host_loopback=maybe",
      'invalid value of allow_host_loopback for slirp4netns: "maybe"'),
     ("slirp4netns:cidr=10.5.0.0", 'invalid cidr "10.5.0.0"'),
     ("slirp4netns:cidr=10.5.0.0/30", 'invalid cidr "10.5.0.0/30"'),
     ("slirp4netns:port_handler=xx", 'unknown port_handler for slirp4netns: "xx"'),
     ("slirp4netns:outbound_addr=nosuch-if0", 'invalid outbound_addr "nosuch-if0"'),
     ("pasta:--netns,/proc/1/ns/net", "--netns: hutch sets it itself"),
     ("pasta:-f", "-f: hutch sets it itself"),
     ("pasta:-a", "-a needs an IPv4 address"),
     ("pasta:--gateway=x", "--gateway needs an IPv4 address")],
)  # fmt: skip
def test_refused_in_podmans_words(mode: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        parse(mode)


def test_pasta_options_pass_as_given_and_set_the_layout() -> None:
    got = parse("pasta:-a,10.7.0.9,--gateway=10.7.0.1,--dns-forward,10.7.0.53,--mtu,1500")
    assert got.args == (
        "-a", "10.7.0.9", "--gateway=10.7.0.1", "--dns-forward", "10.7.0.53", "--mtu", "1500",
    )  # fmt: skip
    assert (got.address, got.gateway, got.dns) == ("10.7.0.9", "10.7.0.1", "10.7.0.53")


def _pasta(monkeypatch: pytest.MonkeyPatch, spec: NetworkSpec) -> list[str]:
    monkeypatch.setattr("hutch.linux.procfs.real_root", lambda: False)
    return nethelper.pasta_argv(spec, 7, Path("/run/p.pid"))[1:]


def _pairs(argv: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(argv, [*argv[1:], ""], strict=True) if a.startswith("-")]


def test_pasta_argv_leaves_out_the_defaults_the_user_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = _pasta(monkeypatch, NetworkSpec(mode="private", backend="pasta"))
    for pair in (("-t", "none"), ("-u", "none"), ("-T", "none"), ("-U", "none"),
                 ("--address", "10.0.2.100"), ("--gateway", "10.0.2.2")):  # fmt: skip
        assert pair in _pairs(default)
    assert "--quiet" in default and "--ipv4-only" in default
    user = ("-T", "8080", "--tcp-ports=9090", "-a", "10.7.0.9", "-6", "--debug")
    spec = NetworkSpec(mode="private", backend="pasta", helper_args=user, address="10.7.0.9")
    argv = _pasta(monkeypatch, spec)
    assert argv[-len(user) :] == list(user)  # the user's come last, as podman's
    pairs = _pairs(argv)
    for pair in (("-t", "none"), ("-T", "none"), ("--address", "10.7.0.9")):
        assert pair not in pairs
    assert ("-u", "none") in pairs and ("-U", "none") in pairs
    assert "--ipv4-only" not in argv and "--quiet" not in argv
    # a published port still goes to pasta beside the user's own -t
    spec = NetworkSpec(
        mode="private", backend="pasta", ports=(PortMapping("", 8000, 80),), helper_args=("-T", "1")
    )
    assert ("-t", "8000:80") in _pairs(_pasta(monkeypatch, spec))

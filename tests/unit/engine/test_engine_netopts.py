"""``--network NAME:OPTIONS``: the per-network options, their words, and the flags."""

from __future__ import annotations

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import networks
from hutch.config.settings import Settings
from hutch.engine import netconfig, netopts
from hutch.engine.netopts import NetworkChoice


def test_each_network_gets_its_own_options() -> None:
    value = "a:ip=10.89.0.50,mac=44:33:22:11:00:99,alias=web,alias=www,b,c:ip6=fd00::5"
    assert netopts.parse(value) == (
        NetworkChoice("a", aliases=("web", "www"), ip="10.89.0.50", mac="44:33:22:11:00:99"),
        NetworkChoice("b"),
        NetworkChoice("c", ip6="fd00::5"),
    )
    assert netopts.names(value) == ["a", "b", "c"]
    assert netconfig.user_networks(value) == ["a", "b", "c"]


def test_values_come_in_their_normal_form() -> None:
    (choice,) = netopts.parse("n:ip6=FD00:0::0005,mac=AA-BB-CC-DD-EE-0F,interface_name=wan0")
    assert (choice.ip6, choice.mac, choice.interface) == ("fd00::5", "aa:bb:cc:dd:ee:0f", "wan0")


def test_a_bare_colon_and_no_options_are_the_network_alone() -> None:
    assert netopts.parse("n:") == (NetworkChoice("n"),)
    assert netopts.parse("n:,ip=10.89.0.9") == (NetworkChoice("n", ip="10.89.0.9"),)
    # without options, a KEY=VALUE after a comma is no option of the network before
    assert netopts.names("n,m") == ["n", "m"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # podman 4.3.1's words, exit 125
        ("n:foo=bar", "invalid option for network n: unknown bridge network option: foo"),
        ("n:ip=bad", 'invalid option for network n: invalid ip address "bad"'),
        ("n:mac=zz", "invalid option for network n: address zz: invalid MAC address"),
        # hutch's (podman panics on a word without '=')
        ("n:ip", "invalid option for network n: ip: use KEY=VALUE"),
        ("n:ip=fd00::5", "ip=fd00::5 is not an IPv4 address"),
        ("n:ip6=10.1.2.3", "ip6=10.1.2.3 is not an IPv6 address"),
        ("n:ip=10.1.2.3,ip=10.1.2.4", "ip= is given twice"),
        ("n:alias=", "alias= needs a name"),
        ("n:interface_name=a/b", "interface_name=a/b: a link name"),
        ("n:interface_name=abcdefghijklmnop", "a link name of at most 15"),
        ("n:interface_name=lo", "loopback"),
    ],
)
def test_bad_options_are_refused(value: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        netopts.parse(value)
    assert message in refused.value.message


def test_two_links_of_one_name_are_refused() -> None:
    # podman's: the links without a name get the first eth<N> free
    assert netopts.interfaces(netopts.parse("a:interface_name=wan0,b")) == ["wan0", "eth0"]
    named = netopts.parse("a,b:interface_name=eth0,c")
    assert netopts.interfaces(named) == ["eth1", "eth0", "eth2"]
    with pytest.raises(InvalidArgument, match="the interface wan0 is named twice"):
        netopts.interfaces(netopts.parse("a:interface_name=wan0,b:interface_name=wan0"))
    with pytest.raises(InvalidArgument, match="wan0 is named twice"):
        netconfig.check_mode("a:interface_name=wan0,b:interface_name=wan0")


def test_the_mode_check_reads_the_options() -> None:
    netconfig.check_mode("a:ip=10.89.0.5,b:ip=10.89.1.5")
    for mode in ("a:foo=bar", "a:ip=x,b", "a,a:ip=10.89.0.5", "host:ip=1.2.3.4", "a,host"):
        with pytest.raises(InvalidArgument):
            netconfig.check_mode(mode)
    with pytest.raises(InvalidArgument, match="options are for user-defined networks only"):
        netconfig.check_mode("none:ip=1.2.3.4")


def test_several_network_flags_are_one_list() -> None:
    assert networks(None, "--network") == ""
    assert networks(["a:ip=10.89.0.5,mac=44:33:22:11:00:99", "b"], "--network") == (
        "a:ip=10.89.0.5,mac=44:33:22:11:00:99,b"
    )
    assert networks(["slirp4netns:mtu=1500,enable_ipv6=true"], "--network") == (
        "slirp4netns:mtu=1500,enable_ipv6=true"  # alone, a mode keeps its own options
    )
    # podman's words name the mode, not the value (ns:PATH is its "path" mode)
    for other, mode in (
        ("host", "host"),
        ("none", "none"),
        ("container:x", "container"),
        ("ns:/p", "path"),
        ("pasta", "pasta"),
        ("slirp4netns:mtu=1500", "slirp4netns"),
    ):
        with pytest.raises(InvalidArgument) as refused:
            networks(["a", other], "--network")
        assert refused.value.message == (
            f"can only set extra network names, selected mode {mode} conflicts with "
            "bridge: invalid argument"
        )
        with pytest.raises(InvalidArgument) as refused:
            networks([other, "a"], "--network")
        assert refused.value.message == (
            f"cannot set multiple networks without bridge network mode, selected mode {mode}: "
            "invalid argument"
        )


def test_bridge_with_options_is_the_default_network_with_them() -> None:
    options = RunOptions(image="i", network="bridge:ip=10.89.0.5")
    front = Settings(default_network="front")
    assert netconfig.resolve_mode(options, front).network == "front:ip=10.89.0.5"
    assert netconfig.resolve_mode(RunOptions(image="i", network="bridge"), front).network == (
        "front"
    )
    with pytest.raises(InvalidArgument) as refused:
        netconfig.resolve_mode(options, Settings())  # the private network
    assert refused.value.message.startswith(
        "invalid config provided: networks and static ip/mac address can only be used "
        "with Bridge mode networking"
    )


def test_inspect_and_ps_show_the_networks_without_options() -> None:
    assert netopts.shown("a:ip=10.89.0.5,mac=44:33:22:11:00:99,b") == "a,b"
    for mode in ("a,b", "private", "slirp4netns:mtu=1500", "ns:/run/x:y", "container:web"):
        assert netopts.shown(mode) == mode


def test_a_start_locks_each_network_s_static_addresses() -> None:
    mode = "a:ip=10.89.0.5,b,c:ip6=fd00::5,ip=10.89.2.5"
    assert netopts.static_addresses(mode) == ["10.89.0.5", "10.89.2.5", "fd00::5"]
    for other in ("a,b", "private", "slirp4netns:cidr=10.5.0.0/24", "ns:/run/n:ip=1"):
        assert netopts.static_addresses(other) == []

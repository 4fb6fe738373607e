"""/etc/hosts as podman composes it: --add-host, the base file, then hutch's names."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.container_defaults import container_defaults
from hutch.engine import hostsfile, netconfig
from hutch.engine.hostsfile import HostsConf
from hutch.linux import ifaddrs
from hutch.runtime.spec import Rootfs
from hutch.runtime.spec_network import Attachment, NetworkSpec

# the host's file on the test hosts, as podman 4.3.1 copied it
HOST = "127.0.0.1 localhost\n127.0.0.1 runsc\n127.0.0.1 vm\n"


def _hosts(*add: str, mode: str = "private", base: str = HOST, ip: str = "192.0.2.2") -> str:
    options = RunOptions("i", net=NetworkOptions(add_hosts=add))
    conf = HostsConf(host_containers_internal_ip=ip)
    return netconfig.hosts_text(options, NetworkSpec(mode=mode), "box", "web", base, conf)


def test_the_base_file_comes_first_then_hutchs_names() -> None:
    # podman 4.3.1's file for `run --name web -h box` on this host, but for
    # host.docker.internal, which current podman writes beside host.containers.internal
    assert _hosts() == (
        "127.0.0.1\tlocalhost\n127.0.0.1\trunsc\n127.0.0.1\tvm\n"
        "192.0.2.2\thost.containers.internal host.docker.internal\n"
        "10.0.2.100\tbox web\n"
    )


def test_localhost_is_added_on_both_loopbacks_when_the_base_has_none() -> None:
    assert _hosts(base="").startswith("127.0.0.1\tlocalhost\n::1\tlocalhost\n192.0.2.2\t")


def test_add_host_lines_lead_and_stand_over_the_names_hutch_adds() -> None:
    text = _hosts("box:198.51.100.7", "localhost:9.9.9.9", "a;b:2001:db8::1")
    lines = text.splitlines()
    assert lines[:3] == ["198.51.100.7\tbox", "9.9.9.9\tlocalhost", "2001:db8::1\ta b"]
    # the base file's own localhost line stays (podman keeps it), hutch's does not come
    assert lines[3] == "127.0.0.1\tlocalhost" and "::1\tlocalhost" not in lines
    # the container's line keeps only the name no line above has
    assert lines[-1] == "10.0.2.100\tweb"


def test_a_name_of_the_base_file_is_not_repeated() -> None:
    text = _hosts(base="10.1.1.1 web host.docker.internal  # mine\n")
    assert text.splitlines() == [
        "10.1.1.1\tweb host.docker.internal",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost",
        "192.0.2.2\thost.containers.internal",
        "10.0.2.100\tbox",
    ]


def test_base_lines_lose_comments_blanks_and_nameless_addresses() -> None:
    entries = hostsfile.parse("# c\n\n  10.1.1.1\talpha   beta # x\n10.9.9.9\n::1 lo6\n")
    assert entries == [
        hostsfile.Entry("10.1.1.1", ("alpha", "beta")),
        hostsfile.Entry("::1", ("lo6",)),
    ]


def test_host_gateway_is_host_containers_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _hosts("gw:host-gateway", ip="203.0.113.5").startswith("203.0.113.5\tgw\n")
    # on the private network: the host's own address, as podman names it
    monkeypatch.setattr(ifaddrs, "local_ip", lambda exclude=(): "192.0.2.44")
    assert _hosts("gw:host-gateway", ip="").startswith("192.0.2.44\tgw\n")


def test_host_containers_internal_ip_none_drops_the_line_and_refuses_host_gateway() -> None:
    assert "host.containers.internal" not in _hosts(ip="none")
    with pytest.raises(InvalidArgument) as err:
        _hosts("gw:host-gateway", ip="none")
    assert err.value.message == (
        'unable to replace "host-gateway" of host entry "gw:host-gateway": host containers '
        "internal IP address is empty"
    )


def test_add_host_with_an_empty_name_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="bad format for add-host"):
        netconfig.parse_add_host("a;;b:10.0.0.1")


def test_the_host_network_adds_no_line_for_the_container() -> None:
    text = _hosts(mode="host")
    assert text == HOST.replace(" ", "\t") + (
        "192.0.2.2\thost.containers.internal host.docker.internal\n"
    )


def test_no_network_names_the_container_on_the_loopback() -> None:
    assert _hosts(mode="none", base="").endswith("127.0.0.1\tbox web\n")


def test_without_a_network_of_hutchs_the_host_is_at_its_own_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ifaddrs, "local_ip", lambda exclude=(): "192.0.2.44")
    assert "192.0.2.44\thost.containers.internal" in _hosts(mode="none", ip="")


def test_hutchs_networks_name_the_hosts_address_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The private network (pasta's and slirp4netns's) and a user network name the host
    at its own address, as podman (4.3.1 and current, rootless), leaving out the
    address the container or the rootless namespace has; not the gateway 10.0.2.2,
    which leads to the host's loopback in hutch and nowhere in podman."""
    found = ["127.0.0.1/8", "10.0.2.100/24", "192.0.2.2/24", "fd00::2/64"]
    monkeypatch.setattr(
        ifaddrs, "host_interfaces", lambda: [ipaddress.ip_interface(a) for a in found]
    )
    net = NetworkSpec(mode="bridge", attachments=(Attachment("n", "b", "eth0", "", 0, "", ""),))
    for spec in (NetworkSpec(mode="private"), net):
        assert netconfig.host_address(spec, "") == "192.0.2.2"
        assert netconfig.host_address(spec, "none") == ""
        assert netconfig.host_address(spec, "203.0.113.5") == "203.0.113.5"
    found[1:3] = ["10.0.2.100/24"]  # the container's address alone: the IPv6 one
    assert netconfig.host_address(NetworkSpec(mode="private"), "") == "fd00::2"
    del found[2:]
    assert netconfig.host_address(NetworkSpec(mode="private"), "") == ""
    # no address for the host: no line, and host-gateway is refused (podman's words)
    assert "host.containers.internal" not in _hosts(mode="private", ip="")
    with pytest.raises(InvalidArgument, match="host containers internal IP address is empty"):
        _hosts("gw:host-gateway", ip="")


def test_local_ip_is_the_first_global_ipv4_else_ipv6(monkeypatch: pytest.MonkeyPatch) -> None:
    found = ["127.0.0.1/8", "::1/128", "fe80::1/64", "fd00::2/64", "192.0.2.2/24", "10.1.1.1/8"]
    monkeypatch.setattr(
        ifaddrs, "host_interfaces", lambda: [ipaddress.ip_interface(a) for a in found]
    )
    assert ifaddrs.local_ip() == "192.0.2.2"
    del found[4:]
    assert ifaddrs.local_ip() == "fd00::2"
    del found[3:]
    assert ifaddrs.local_ip() == ""


# -- the base file -----------------------------------------------------------------


def test_base_none_is_empty_and_a_path_is_read(tmp_path: Path) -> None:
    assert hostsfile.base_text("none", None) == ""
    path = tmp_path / "hosts"
    path.write_text("10.1.1.1 alpha\n")
    assert hostsfile.base_text(str(path), None) == "10.1.1.1 alpha\n"
    with pytest.raises(InvalidArgument, match=r"base_hosts_file .*missing: no such file"):
        hostsfile.base_text(str(tmp_path / "missing"), None)


def _layer(base: Path, name: str, hosts: str | None = None) -> str:
    (base / name / "etc").mkdir(parents=True)
    if hosts is not None:
        (base / name / "etc" / "hosts").write_text(hosts)
    return name


def test_image_hosts_is_the_topmost_layers(tmp_path: Path) -> None:
    lowers = (
        _layer(tmp_path, "top"),
        _layer(tmp_path, "mid", "mid\n"),
        _layer(tmp_path, "low", "low\n"),
    )
    rootfs = Rootfs("overlay", str(tmp_path / "m"), lowers=lowers, lower_base=str(tmp_path))
    assert hostsfile.base_text("image", rootfs) == "mid\n"
    os.symlink("../hosts.real", tmp_path / "top" / "etc" / "hosts")
    (tmp_path / "top" / "hosts.real").write_text("linked\n")
    assert hostsfile.image_hosts(rootfs) == "linked\n"


def test_an_image_without_hosts_is_refused_for_base_image(tmp_path: Path) -> None:
    rootfs = Rootfs(
        "overlay", str(tmp_path / "m"), lowers=(_layer(tmp_path, "only"),), lower_base=str(tmp_path)
    )
    with pytest.raises(InvalidArgument, match='"image", but the image has no /etc/hosts'):
        hostsfile.base_text("image", rootfs)
    full = tmp_path / "full"
    _layer(tmp_path, "full", "own\n")
    assert hostsfile.base_text("image", Rootfs("bind", str(full))) == "own\n"


def test_an_opaque_etc_hides_the_lower_layers_hosts(tmp_path: Path) -> None:
    lowers = (_layer(tmp_path, "top"), _layer(tmp_path, "low", "low\n"))
    try:
        os.setxattr(tmp_path / "top" / "etc", "user.overlay.opaque", b"y")
    except OSError:
        pytest.skip("no user xattrs here")
    rootfs = Rootfs("overlay", str(tmp_path / "m"), lowers=lowers, lower_base=str(tmp_path))
    assert hostsfile.image_hosts(rootfs) is None


# -- containers.conf ---------------------------------------------------------------


def test_containers_conf_keys_are_read_and_checked() -> None:
    d = container_defaults({"base_hosts_file": "image", "host_containers_internal_ip": "none"}, {})
    assert d is not None and hostsfile.conf_of(d) == HostsConf("image", "none")
    assert hostsfile.conf_of(None) == HostsConf()
    # the values are checked where they are used: every other command still runs
    bad = container_defaults({"base_hosts_file": "etc/hosts"}, {})
    assert bad is not None and bad.base_hosts_file == "etc/hosts"
    with pytest.raises(InvalidArgument, match="absolute path"):
        hostsfile.base_text("etc/hosts", None)
    with pytest.raises(InvalidArgument, match="not an IP address"):
        _hosts(ip="host")
    with pytest.raises(InvalidArgument, match="must be a string"):
        container_defaults({"base_hosts_file": True}, {})


def _two_networks() -> NetworkSpec:
    one = Attachment("n1", "hutch1", "eth0", "10.89.0.2", 24, "10.89.0.1", "10.89.0.0/24")
    none = Attachment("bare", "hutch3", "eth2", "", 0, "", "")  # --ipam-driver none
    two = Attachment("n2", "hutch2", "eth1", "10.89.1.2", 24, "10.89.1.1", "10.89.1.0/24")
    return NetworkSpec(mode="bridge", attachments=(one, none, two))


def test_each_user_network_names_the_container_at_its_address() -> None:
    # podman 4.3.1 and current: one line per network (the first only, before)
    own = netconfig.own_entries(_two_networks(), "abc123", "multi")
    assert own == [
        hostsfile.Entry("10.89.0.2", ("abc123", "multi")),
        hostsfile.Entry("10.89.1.2", ("abc123", "multi")),
    ]


def test_connect_and_disconnect_rewrite_only_the_containers_own_lines() -> None:
    net = _two_networks()
    first = NetworkSpec(mode="bridge", attachments=net.attachments[:1])
    second = NetworkSpec(mode="bridge", attachments=net.attachments[2:])
    old = netconfig.own_entries(first, "abc123", "multi")
    text = (
        "10.9.9.9\tmulti\n"  # an --add-host line that names the container stays
        "127.0.0.1\tlocalhost\n10.89.0.2\tabc123\n"  # hostname only: the name was taken
    )
    both = netconfig.own_entries(net, "abc123", "multi")
    connected = hostsfile.replace_own(text, old, both)
    assert connected == (
        "10.9.9.9\tmulti\n127.0.0.1\tlocalhost\n10.89.0.2\tabc123\n10.89.1.2\tabc123\n"
    )
    gone = netconfig.own_entries(second, "abc123", "multi")
    assert hostsfile.replace_own(connected, both, gone) == (
        "10.9.9.9\tmulti\n127.0.0.1\tlocalhost\n10.89.1.2\tabc123\n"
    )

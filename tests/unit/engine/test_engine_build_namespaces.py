"""build's --network (issue 15): which network every RUN step gets, and what its /etc
files say there."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.build.runstep import build_spec, step_network_spec
from hutch.build.stepstate import RunSettings, step_network
from hutch.engine import build_namespaces as bn
from hutch.runtime.spec import Spec
from hutch.runtime.spec_network import NetworkSpec
from unit.steprequest import step_request


def _fake_backends(monkeypatch: pytest.MonkeyPatch, found: tuple[str, ...]) -> None:
    """Which helpers are on PATH, and a usable /dev/net/tun."""
    monkeypatch.setattr(
        "hutch.net.backend.which", lambda name: f"/usr/bin/{name}" if name in found else None
    )
    monkeypatch.setattr("hutch.net.backend.tun_problem", lambda: None)


def test_the_modes_build_takes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_backends(monkeypatch, ("pasta", "slirp4netns"))
    assert bn.build_network(None, "") == bn.BuildNetwork("host")
    assert bn.build_network("default", "") == bn.BuildNetwork("host")
    assert bn.build_network("none", "") == bn.BuildNetwork("none")
    # private and podman's bridge: the helper the setting names, else pasta first
    assert bn.build_network("private", "") == _private("pasta")
    assert bn.build_network("bridge", "slirp4netns") == _private("slirp4netns")
    assert bn.build_network("slirp4netns", "pasta") == _private("slirp4netns")
    assert bn.build_network("pasta", "") == _private("pasta")
    # run's helper options, with the layout they give
    cidr = bn.build_network("slirp4netns:cidr=10.9.0.0/24,mtu=1400", "pasta")
    assert cidr.private.helper_args == ("--cidr", "10.9.0.0/24", "--mtu", "1400")
    assert (cidr.private.address, cidr.private.gateway) == ("10.9.0.100", "10.9.0.2")
    assert bn.build_network("pasta:-T,8080", "").private.helper_args == ("-T", "8080")
    with pytest.raises(InvalidArgument, match='unknown option for slirp4netns: "x=1"'):
        bn.build_network("slirp4netns:x=1", "")
    ns = tmp_path / "netns"
    ns.write_text("")
    assert bn.build_network(f"ns:{ns}", "") == bn.BuildNetwork(f"ns:{ns}")


def _private(backend: str) -> bn.BuildNetwork:
    return bn.BuildNetwork("private", NetworkSpec(mode="private", backend=backend))


def test_a_host_without_a_helper_is_refused_before_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_backends(monkeypatch, ())
    with pytest.raises(HostNotReady, match="private network cannot be used: pasta or slirp4netns"):
        bn.build_network("private", "")
    assert bn.build_network("none", "") == bn.BuildNetwork("none")  # no helper needed


def test_a_steps_own_network_wins_over_the_builds() -> None:
    assert step_network("none", "private") == "none"
    assert step_network("host", "none") == "host"
    assert step_network("default", "private") == "private"
    assert step_network(None, "ns:/x") == "ns:/x"


def _spec(tmp_path: Path, network: str, private: NetworkSpec | None = None) -> Spec:
    settings = RunSettings(network=network, private=private or NetworkSpec(mode="private"))
    workdir = tmp_path / network.replace("/", "_")
    request = step_request(tmp_path, settings, network, (("gw", "10.0.2.2"),), workdir)
    return build_spec(request, ())


def test_each_mode_reaches_the_step_spec(tmp_path: Path) -> None:
    private = _spec(tmp_path, "private", NetworkSpec(mode="private", backend="slirp4netns"))
    assert "net" in private.namespaces
    assert (private.network.mode, private.network.backend) == ("private", "slirp4netns")
    files = dict(private.etc_files)
    hosts = Path(files["/etc/hosts"]).read_text()
    assert f"10.0.2.100\t{'ab' * 6}\n" in hosts
    assert "10.0.2.2\thost.containers.internal host.docker.internal\n" in hosts
    assert hosts.startswith("10.0.2.2\tgw\n")  # --add-host first, as podman
    resolv = Path(files["/etc/resolv.conf"]).read_text()
    assert resolv.startswith("nameserver 10.0.2.3\n")  # the forwarder, then the host's
    assert "nameserver 127." not in resolv  # (those a step can reach itself)
    joined = _spec(tmp_path, "ns:/proc/1/ns/net")
    assert "net" not in joined.namespaces
    assert (joined.network.mode, joined.network.join) == ("join", "/proc/1/ns/net")
    host = _spec(tmp_path, "host")
    assert "net" not in host.namespaces and host.network.mode == "none"
    none = _spec(tmp_path, "none")
    assert "net" in none.namespaces and none.network.mode == "none"
    # the image's own resolv.conf, as buildah; a hosts file for the --add-host name
    assert "/etc/resolv.conf" not in dict(none.etc_files)
    assert Path(dict(none.etc_files)["/etc/hosts"]).read_text().startswith("10.0.2.2\tgw\n")
    assert step_network_spec("none", NetworkSpec(mode="private")).mode == "none"


def test_a_cidr_moves_the_steps_etc_files(tmp_path: Path) -> None:
    """build --network slirp4netns:cidr=...: the step's /etc files name that range."""
    layout = NetworkSpec(
        mode="private", backend="slirp4netns", address="10.9.0.100", gateway="10.9.0.2",
        dns="10.9.0.3", helper_args=("--cidr", "10.9.0.0/24"),
    )  # fmt: skip
    spec = _spec(tmp_path, "private", layout)
    assert spec.network == layout
    files = dict(spec.etc_files)
    hosts = Path(files["/etc/hosts"]).read_text()
    assert f"10.9.0.100\t{'ab' * 6}\n" in hosts and "10.9.0.2\thost.containers" in hosts
    assert Path(files["/etc/resolv.conf"]).read_text().startswith("nameserver 10.9.0.3\n")

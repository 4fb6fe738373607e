"""The network a run's flags foretell before its create (``netconfig.foreseen``), which
its prespawned monitor makes ahead (nethelper.EarlyNetwork): where it answers, the
same network the create plans; where the flags leave it open, nothing (issue 16)."""

from __future__ import annotations

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions, SecurityOptions
from hutch.config.settings import Settings
from hutch.engine import netconfig
from hutch.net import backend
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.spec_network import NetworkSpec

IMAGE = ImageConfig("amd64", "linux", (), config=ContainerConfig(cmd=("sh",)))


@pytest.fixture(autouse=True)
def helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backend, "tun_problem", lambda: "")


@pytest.mark.parametrize(
    ("network", "settings"),
    [
        ("", Settings()),
        ("private", Settings()),
        ("bridge", Settings()),
        ("pasta", Settings(network_backend="slirp4netns")),
        ("pasta:--mtu,1400", Settings()),
        ("slirp4netns:mtu=1400", Settings()),
        ("", Settings(network_backend="pasta", pasta_options=("-T", "auto"))),
        ("none", Settings()),
        ("", Settings(default_network="none")),
    ],
)
def test_what_it_foretells_is_what_create_plans(network: str, settings: Settings) -> None:
    options = RunOptions("i", network=network)
    planned = netconfig.network_spec(netconfig.resolve_mode(options, settings), IMAGE, settings)
    assert netconfig.foreseen(options, settings) == planned


@pytest.mark.parametrize(
    "options",
    [
        RunOptions("i", net=NetworkOptions(publish=("8080:80",))),
        RunOptions("i", net=NetworkOptions(publish_all=True)),
        RunOptions("i", pod="p"),
        RunOptions("i", security=SecurityOptions(userns="keep-id")),
        RunOptions("i", security=SecurityOptions(uidmap=("0:1:1",))),
        RunOptions("i", network="host"),
        RunOptions("i", network="mynet"),
        RunOptions("i", network="container:other"),
        RunOptions("i", network="bridge:ip=10.0.0.5"),  # refused by create
        RunOptions("i", network="pasta:-t,8080"),  # a host port: maybe a replaced one's
        RunOptions("i", network="pasta:--udp-ports=53"),
    ],
)
def test_nothing_where_the_flags_leave_it_open(options: RunOptions) -> None:
    assert netconfig.foreseen(options, Settings()) is None


def test_nothing_with_containers_conf_host_ports() -> None:
    settings = Settings(network_backend="pasta", pasta_options=("-t", "8080"))
    assert netconfig.foreseen(RunOptions("i"), settings) is None


def test_nothing_without_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "which", lambda name: None)
    assert netconfig.foreseen(RunOptions("i"), Settings()) is None
    assert netconfig.foreseen(RunOptions("i", network="none"), Settings()) == NetworkSpec()

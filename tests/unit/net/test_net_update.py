"""``network update --dns-add/--dns-drop``: podman's arithmetic and words, the store's
record, the name server's ``dns.json``, refusals, and the CLI's comma lists."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.networks import NetworkCreateOptions, NetworkSummary, NetworkUpdateOptions
from hutch.cli.network_render import json_of
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import default_network, network_flags
from hutch.engine.context import EngineContext
from hutch.engine.network_record import encode
from hutch.engine.networks import NetworkService, rundir
from hutch.store.networks import NetworkStore
from unit.fakes import FakeEngine, run_cli


def test_kept_servers_stay_in_order_and_added_ones_follow_once() -> None:
    before = ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    assert network_flags.updated_dns_servers(
        before, ["198.51.100.1", "192.0.2.3", "198.51.100.1"], ["192.0.2.2", "203.0.113.9"]
    ) == ("192.0.2.1", "192.0.2.3", "198.51.100.1")
    # dropped and added again: at the end, as podman appends it
    assert network_flags.updated_dns_servers(before, ["192.0.2.1"], ["192.0.2.1"]) == (
        "192.0.2.2",
        "192.0.2.3",
        "192.0.2.1",
    )
    # one spelling of an address, as --dns stores it
    assert network_flags.updated_dns_servers(("fd00::1",), ["FD00:0::2"], ["fd00:0::1"]) == (
        "fd00::2",
    )


@pytest.mark.parametrize(
    ("add", "drop", "message"),
    [
        (["300.1.1.1"], [], "unable to parse ip 300.1.1.1 specified in AddDNSServer"),
        ([], ["x"], "unable to parse ip x specified in RemoveDNSServer"),
        ([""], [], "unable to parse ip  specified in AddDNSServer: invalid argument"),
    ],
)
def test_values_that_are_not_addresses_are_refused_in_podmans_words(
    add: list[str], drop: list[str], message: str
) -> None:
    with pytest.raises(InvalidArgument) as exc:
        network_flags.updated_dns_servers((), add, drop)
    assert exc.value.message.startswith(message)


@pytest.fixture
def service(tmp_path: Path) -> NetworkService:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")
    return NetworkService(EngineContext(paths, Settings()), lambda names: [])


def test_update_records_the_servers_and_rewrites_the_name_servers_records(
    service: NetworkService,
) -> None:
    service.create(NetworkCreateOptions(name="front", dns_servers=("192.0.2.53",)))
    ctx = service._ctx
    records = rundir(ctx) / "dns.json"
    records.parent.mkdir(parents=True)
    records.write_text('{"networks": []}')  # the name server runs: it reads this file
    options = NetworkUpdateOptions(dns_add=("198.51.100.53",), dns_drop=("192.0.2.53",))
    updated = service.update("front", options)
    assert updated.dns_servers == ("198.51.100.53",)
    (shown,) = service.inspect(["front"])
    assert json_of(shown)["network_dns_servers"] == ["198.51.100.53"]
    # podman's default network is listed too (dns false: the name server skips it)
    networks = {n["name"]: n for n in json.loads(records.read_text())["networks"]}
    assert networks["front"]["servers"] == ["198.51.100.53"]
    assert not networks["podman"]["dns"]
    # dropping the last one: back to the host's servers, and inspect leaves the key out
    service.update("front", NetworkUpdateOptions(dns_drop=("198.51.100.53",)))
    (shown,) = service.inspect(["front"])
    assert "network_dns_servers" not in json_of(shown)
    networks = {n["name"]: n for n in json.loads(records.read_text())["networks"]}
    assert networks["front"]["servers"] == []


def test_an_unknown_network_is_podmans_not_found(service: NetworkService) -> None:
    with pytest.raises(NoSuchObject) as exc:
        service.update("nosuch", NetworkUpdateOptions(dns_add=("192.0.2.1",)))
    assert str(exc.value) == "unable to find network with name or ID nosuch: network not found"
    assert exc.value.exit_code == 125


@pytest.mark.parametrize("name", ["podman", "bridge", "private", "pasta"])
def test_the_default_network_is_refused(service: NetworkService, name: str) -> None:
    with pytest.raises(InvalidArgument, match=f"default network {name} cannot be updated"):
        service.update(name, NetworkUpdateOptions(dns_add=("192.0.2.1",)))


def test_bridge_is_the_default_user_network_when_the_setting_names_one(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")
    ctx = EngineContext(paths, replace(Settings(), default_network="front"))
    service = NetworkService(ctx, lambda names: [])
    service.create(NetworkCreateOptions(name="front"))
    assert service.update("bridge", NetworkUpdateOptions(("192.0.2.9",))).name == "front"


def test_a_user_network_named_podman_is_updated(service: NetworkService) -> None:
    """One a store made before podman's default network was built in keeps its name."""
    theirs = replace(default_network.record(1.0), id="ab" * 32, bridge="hutch1", dns=True)
    NetworkStore(service._ctx.conn).create(encode(theirs), ["10.88.0.0/16"])
    assert service.inspect(["podman"])[0].id == theirs.id  # not replaced by the built-in one
    assert service.update("podman", NetworkUpdateOptions(("192.0.2.9",))).dns_servers == (
        "192.0.2.9",
    )


@pytest.mark.parametrize(
    "options",
    [
        NetworkCreateOptions(name="quiet", disable_dns=True),
        NetworkCreateOptions(name="quiet", ipam_driver="none"),
    ],
)
def test_a_network_without_a_name_server_is_refused(
    service: NetworkService, options: NetworkCreateOptions
) -> None:
    service.create(replace(options, dns_servers=("192.0.2.53",)))
    with pytest.raises(InvalidArgument, match="network quiet has DNS disabled"):
        service.update("quiet", NetworkUpdateOptions(dns_add=("192.0.2.1",)))
    (shown,) = service.inspect(["quiet"])
    assert shown.dns_servers == ("192.0.2.53",)


def test_cli_takes_repeated_flags_and_comma_lists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    front = NetworkSummary("front", "f" * 64, "bridge", "hutch1", (), False, False, True, (), (), 0)
    fake = FakeEngine(network_summaries=[front])
    argv = ["network", "update", "--dns-add", "192.0.2.1,192.0.2.2", "--dns-add", "192.0.2.3"]
    result = run_cli([*argv, "--dns-drop", "192.0.2.9", "front"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "front\n")
    options = NetworkUpdateOptions(("192.0.2.1", "192.0.2.2", "192.0.2.3"), ("192.0.2.9",))
    assert fake.calls == [("networks.update", ("front", options))]

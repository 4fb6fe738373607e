"""Generic inspect: -s reaches the engine; a name is looked up as podman does, container,
image, volume, network, then pod; --type narrows it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hutch.api.containers import InspectOptions
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.api.pods import PodInspect
from hutch.api.volumes import VolumeSummary
from unit.fakes import FakeEngine, run_cli

VOLUME = VolumeSummary("v1", "local", "/m", 1_700_000_000.0)
NETWORK = NetworkSummary(
    "n1", "9" * 64, "bridge", "hutch1", (NetworkSubnet("10.89.0.0/24", "10.89.0.1"),),
    False, False, True, (), (), 1_700_000_000.0,
)  # fmt: skip


POD = PodInspect(
    "p" * 64, "p1", "2026-12-03T18:00:00Z", (), "continue", "Running", "", {}, True, "", "",
    False, "", None, (), 0, (),
)  # fmt: skip


def test_size_reaches_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["inspect", "-s", "--type", "container", "c"],
        ["container", "inspect", "-s", "c"],
    ):
        fake = FakeEngine()
        run_cli(argv, fake, monkeypatch, capsys)
        assert fake.only_call("containers.inspect") == (("c",), InspectOptions(size=True))


@pytest.mark.parametrize(
    ("name", "kind", "key"),
    [("v1", "volume", "Mountpoint"), ("n1", "network", "dns_enabled"), ("p1", "pod", "Name")],
)
def test_volumes_and_networks_are_found(
    name: str,
    kind: str,
    key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeEngine(volume_list=[VOLUME], network_summaries=[NETWORK], pod_inspects=[POD])
    for argv in (["inspect", name], ["inspect", "--type", kind, name]):
        result = run_cli(argv, fake, monkeypatch, capsys)
        assert result.code == 0, result.err
        (shown,) = json.loads(result.out)
        assert key in shown


def test_nothing_of_that_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["inspect", "ghost"], FakeEngine(), monkeypatch, capsys)
    assert (result.code, result.out) == (125, "[]\n")
    assert result.err == 'Error: inspecting object: no such object: "ghost"\n'
    argv = ["inspect", "--type", "container", "ghost"]
    result = run_cli(argv, FakeEngine(), monkeypatch, capsys)
    assert result.err == "Error: inspecting object: no such container ghost\n"


def test_network_ls_by_name_as_podman(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zeta = replace(NETWORK, name="zeta", id="1" * 64)
    fake = FakeEngine(network_summaries=[zeta, NETWORK])  # created in this order
    result = run_cli(["network", "ls", "--format", "{{.Name}}"], fake, monkeypatch, capsys)
    assert result.out == "n1\nzeta\n"
    result = run_cli(["network", "ls", "--format", "{{json .}}"], fake, monkeypatch, capsys)
    assert [n["name"] for n in json.loads(result.out)] == ["n1", "zeta"]

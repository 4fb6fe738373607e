"""``network inspect --format`` sees podman's Go field names, ``--ip-range`` shows as
podman's lease range, ``network ls --format json`` indents as podman (issue 15)."""

from __future__ import annotations

import json

import pytest

from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.cli import templating
from hutch.cli.network_render import inspect_struct, json_of, lease_range
from unit.fakes import FakeEngine, run_cli

NET = NetworkSummary(
    "n1",
    "ab" * 32,
    "bridge",
    "hutch1",
    (NetworkSubnet("10.99.0.0/24", "10.99.0.1", "10.99.0.128/25"),),
    True,
    False,
    False,
    (("k", "v"),),
    (("mtu", "1400"),),
    0.0,
)


@pytest.mark.parametrize(
    ("cidr", "start", "end"),
    [
        ("10.99.0.128/25", "10.99.0.129", "10.99.0.255"),
        ("10.99.0.0/24", "10.99.0.1", "10.99.0.255"),
        ("10.99.0.7/32", "10.99.0.7", "10.99.0.7"),
        ("fd00::/120", "fd00::1", "fd00::ff"),
    ],
)
def test_an_ip_range_is_podmans_lease_range(cidr: str, start: str, end: str) -> None:
    assert lease_range(cidr) == (start, end)


def test_inspect_json_has_the_lease_range_start_and_end() -> None:
    assert json_of(NET)["subnets"][0]["lease_range"] == {
        "start_ip": "10.99.0.129",
        "end_ip": "10.99.0.255",
    }


def test_a_template_sees_go_field_names() -> None:
    template = (
        "{{.Name}} {{.Internal}} {{.DNSEnabled}} {{.NetworkInterface}} {{.Options}} "
        "{{.Labels}} {{.IPAMOptions}} {{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}"
    )
    out = templating.render_template(template, [inspect_struct(NET)], name="inspect")
    assert out == (
        "n1 true false hutch1 map[mtu:1400] map[k:v] map[driver:host-local] "
        "10.99.0.0/24 10.99.0.1\n"
    )
    with pytest.raises(Exception, match="can't evaluate field name"):
        templating.render_template("{{.name}}", [inspect_struct(NET)], name="inspect")


def test_json_of_the_template_value_keeps_the_inspect_keys() -> None:
    out = templating.render_template("{{json .}}", [inspect_struct(NET)], name="inspect")
    data = json.loads(out)
    assert list(data)[:4] == ["name", "id", "driver", "network_interface"]
    assert data["labels"] == {"k": "v"} and data["internal"] is True
    assert "routes" not in data and "network_dns_servers" not in data


def test_inspect_verb_renders_the_template(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(network_summaries=[NET])
    template = "{{.Name}} {{.ID}}"
    for argv in (
        ["network", "inspect", "--format", template, "n1"],
        ["inspect", "--type", "network", "--format", template, "n1"],
    ):
        result = run_cli(argv, fake, monkeypatch, capsys)
        assert (result.code, result.out) == (0, f"n1 {'ab' * 32}\n"), argv


def test_ls_json_indents_two_spaces_without_containers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(network_summaries=[NET])
    result = run_cli(["network", "ls", "--format", "json"], fake, monkeypatch, capsys)
    assert result.out.startswith('[\n  {\n    "name": "n1",\n')
    assert "containers" not in json.loads(result.out)[0]

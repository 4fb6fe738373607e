"""--expose: podman 4.3.1's parse and words, -P publishes the exposed ports, inspect
shows them (null until published) in .HostConfig.PortBindings and
.NetworkSettings.Ports, in key order."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import container_record
from hutch.engine.create_plan import parse_create, plan_create
from hutch.engine.ports import parse_expose
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.spec_network import PortMapping
from unit.engine.test_engine_inspect_record import _inspect


@pytest.mark.parametrize(
    ("item", "keys"),
    [
        ("8080", ["8080/tcp"]),
        ("53/udp", ["53/udp"]),
        ("80/UDP", ["80/udp"]),
        ("80/", ["80/tcp"]),
        ("9000-9002/udp", ["9000/udp", "9001/udp", "9002/udp"]),
    ],
)
def test_expose_values(item: str, keys: list[str]) -> None:
    assert parse_expose(item) == keys


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("abc", 'invalid range format for --expose: abc: strconv.ParseUint: parsing "abc": '
         "invalid syntax"),
        ("70000", 'invalid range format for --expose: 70000: strconv.ParseUint: parsing "70000": '
         "value out of range"),
        ("-5", 'invalid range format for --expose: -5: strconv.ParseUint: parsing "": '
         "invalid syntax"),
        ("9001-9000", "invalid range format for --expose: 9001-9000: Invalid range specified "
         "for the Port: 9001-9000"),
        ("0", "port numbers must be between 1 and 65535 (inclusive), got 0"),
        ("0-5", "port numbers must be between 1 and 65535 (inclusive), got 0"),
        ("8080-8080", "the end port of a range must be higher than the start port - 8080 is "
         "not higher than 8080"),
        ("80/tcp/udp", "invalid expose format - protocol can only be specified once"),
        ("80/sctp", "validating protocols for exposed port 80: protocol SCTP is not allowed "
         "for exposed ports"),
        ("80/foo", 'validating protocols for exposed port 80: unrecognized protocol "foo" in '
         "port mapping"),
    ],
)  # fmt: skip
def test_bad_expose_values_in_podmans_words(item: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_create(RunOptions("i", net=NetworkOptions(expose=(item,))), Settings())
    assert info.value.message == message


IMAGE = ImageConfig(
    architecture="amd64",
    os="linux",
    diff_ids=(),
    config=ContainerConfig(exposed_ports=("7000/tcp",)),
)


def test_publish_all_publishes_the_exposed_ports_too() -> None:
    settings = Settings()
    net = NetworkOptions(publish_all=True, expose=("9000-9001/udp", "7000"))
    plan = plan_create(parse_create(RunOptions("i", net=net), settings), IMAGE, settings, "vfs")
    assert sorted((p.container_port, p.protocol) for p in plan.network.ports) == [
        (7000, "tcp"),
        (9000, "udp"),
        (9001, "udp"),
    ]


def test_inspect_shows_exposed_ports_null_until_published(tmp_path: Path) -> None:
    options = RunOptions("i", net=NetworkOptions(expose=("9000", "80")))
    config = container_record.ContainerConfig(
        options,
        image_config=container_record.ImageRunConfig(exposed_ports=("7000/tcp",)),
        ports=(PortMapping("", 8080, 80, "tcp"),),
    )
    data = _inspect(tmp_path, config)
    expected = {
        "7000/tcp": None,
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        "9000/tcp": None,
    }
    assert data["HostConfig"]["PortBindings"] == expected
    assert list(data["HostConfig"]["PortBindings"]) == ["7000/tcp", "80/tcp", "9000/tcp"]
    # no bundle here, so no published port in .NetworkSettings
    assert data["NetworkSettings"]["Ports"] == dict.fromkeys(expected)

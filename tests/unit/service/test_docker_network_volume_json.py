"""Networks and volumes in Docker's shapes, and their request bodies -> hutch's options."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from hutch.api.common import PruneReport
from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkMember, NetworkSubnet, NetworkSummary
from hutch.api.volumes import VolumeSummary
from hutch.service.docker.network_json import (
    network_connect_options,
    network_create_options,
    network_disconnect_options,
    network_json,
    predefined,
)
from hutch.service.docker.volume_json import (
    volume_create_options,
    volume_json,
    volume_list,
    volume_prune,
)

NETWORK = NetworkSummary(
    name="front", id="f" * 64, driver="bridge", bridge="hutch1",
    subnets=(NetworkSubnet("10.89.1.0/24", "10.89.1.1"),), internal=False, ipv6=False,
    dns=True, labels=(("com.docker.compose.project", "p"),), options=(("mtu", "1400"),),
    created=1_700_000_000.0,
    members=(NetworkMember("c" * 64, "web", "10.89.1.2", "eth0", "aa:bb:cc:dd:ee:ff"),),
)  # fmt: skip


def test_network_json_has_dockers_keys() -> None:
    out = network_json(NETWORK)
    assert list(out) == [
        "Name", "Id", "Created", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal",
        "Attachable", "Ingress", "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels",
    ]  # fmt: skip
    assert out["IPAM"]["Config"] == [{"Subnet": "10.89.1.0/24", "Gateway": "10.89.1.1"}]
    assert out["Containers"]["c" * 64] == {
        "Name": "web", "EndpointID": "", "MacAddress": "aa:bb:cc:dd:ee:ff",
        "IPv4Address": "10.89.1.2/24", "IPv6Address": "",
    }  # fmt: skip
    assert out["Created"] == "2023-11-14T22:13:20Z"
    assert out["Labels"] == {"com.docker.compose.project": "p"}
    assert predefined("none")["Driver"] == "null"
    json.dumps(out)


def test_network_create_body_as_compose_sends_it() -> None:
    body = {
        "Name": "p_default", "CheckDuplicate": True, "Driver": "bridge", "Options": {},
        "IPAM": {"Driver": "default", "Config": [{"Subnet": "10.9.0.0/24", "Gateway": "10.9.0.1"}]},
        "Internal": False, "EnableIPv6": False, "Attachable": False,
        "Labels": {"com.docker.compose.network": "default"},
    }  # fmt: skip
    request = network_create_options(body)
    options = request.options
    assert request.warning == ""
    assert options.ipam_driver == "host-local"
    assert (options.name, options.driver) == ("p_default", "bridge")
    assert (options.subnets, options.gateways) == (("10.9.0.0/24",), ("10.9.0.1",))
    assert options.labels == ("com.docker.compose.network=default",)
    mtu = network_create_options(
        {"Name": "n", "Options": {"com.docker.network.driver.mtu": "1400"}}
    ).options
    assert mtu.options == ("mtu=1400",)


def test_network_create_body_as_docker_py_sends_it() -> None:
    """IPAMConfig(driver="default", pool_configs=[IPAMPool(...)]) and bridge options."""
    body = {
        "Name": "n", "Driver": "bridge", "CheckDuplicate": True, "EnableIPv6": True,
        "Internal": True, "Labels": {"a": "b"},
        "IPAM": {"Driver": "default", "Config": [
            {"Subnet": "10.8.0.0/24", "IPRange": "10.8.0.64/26", "Gateway": "10.8.0.1"}]},
        "Options": {"com.docker.network.bridge.name": "br-n", "mtu": "1300",
                    "com.docker.network.bridge.enable_icc": "true"},
    }  # fmt: skip
    request = network_create_options(body)
    options = request.options
    assert (options.subnets, options.ip_ranges, options.gateways) == (
        ("10.8.0.0/24",), ("10.8.0.64/26",), ("10.8.0.1",),
    )  # fmt: skip
    assert (options.ipam_driver, options.interface_name) == ("host-local", "br-n")
    assert options.options == ("mtu=1300",)
    assert options.internal and options.ipv6 and options.labels == ("a=b",)
    # podman's compat API leaves the other Docker options out with a warning
    assert (
        request.warning == '"com.docker.network.bridge.enable_icc: true" is not a recognized option'
    )


@pytest.mark.parametrize(("driver", "expected"), [("null", "none"), ("none", "none"),
                                                  ("host-local", "host-local"), ("", "host-local"),
                                                  ("dhcp", "dhcp")])  # fmt: skip
def test_ipam_driver_names(driver: str, expected: str) -> None:
    body = {"Name": "n", "IPAM": {"Driver": driver}}
    assert network_create_options(body).options.ipam_driver == expected


def test_inspect_shows_the_ipam_driver_as_docker_names_it() -> None:
    assert network_json(NETWORK)["IPAM"]["Driver"] == "default"
    none = replace(NETWORK, subnets=(), ipam_driver="none")
    assert network_json(none)["IPAM"] == {"Driver": "none", "Options": {}, "Config": []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Name: a network needs a name"),
        ({"Name": "bridge"}, "bridge is a pre-defined network"),
        ({"Name": "n", "Driver": "overlay"}, "Driver 'overlay'"),
        ({"Name": "n", "IPAM": {"Driver": "weave"}}, "IPAM.Driver 'weave': use default, "),
        ({"Name": "n", "IPAM": {"Config": [{"Gateway": "10.0.0.1"}]}}, "IPAM.Config[0]"),
        ({"Name": 3}, "Name: expected a string"),
    ],
)
def test_network_create_refusals(body: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        network_create_options(body)
    assert str(exc.value).startswith(message)


def test_connect_and_disconnect_bodies() -> None:
    body = {
        "Container": "web",
        "EndpointConfig": {"Aliases": ["w"], "IPAMConfig": {"IPv4Address": "10.9.0.5"}},
    }
    options = network_connect_options("front", body)
    assert (options.network, options.container, options.aliases, options.ip) == (
        "front", "web", ("w",), "10.9.0.5",
    )  # fmt: skip
    with pytest.raises(InvalidArgument, match="Container: name the container"):
        network_connect_options("front", {})
    with pytest.raises(InvalidArgument, match="legacy links"):
        network_connect_options("front", {"Container": "w", "EndpointConfig": {"Links": ["a"]}})
    assert network_disconnect_options({"Container": "web", "Force": True}).force


def test_volume_shapes_and_create_body() -> None:
    volume = VolumeSummary("data", "local", "/v/data/_data", 1_700_000_000.0,
                           labels=(("a", "b"),), users=("c1", "c2"))  # fmt: skip
    out = volume_json(volume)
    assert out == {
        "CreatedAt": "2023-11-14T22:13:20Z", "Driver": "local", "Labels": {"a": "b"},
        "Mountpoint": "/v/data/_data", "Name": "data", "Options": None, "Scope": "local",
    }  # fmt: skip
    assert volume_json(volume, usage=True)["UsageData"] == {"RefCount": 2, "Size": -1}
    assert volume_list([volume])["Volumes"][0]["Name"] == "data"
    options = volume_create_options(
        {"Name": "v", "Driver": "local", "DriverOpts": {"type": "tmpfs"}, "Labels": {"x": "1"}}
    )
    assert (options.name, options.options, options.labels, options.ignore) == (
        "v", ("type=tmpfs",), ("x=1",), True,
    )  # fmt: skip
    assert volume_create_options({}).name is None  # a generated name
    with pytest.raises(InvalidArgument, match="Driver 'nfs'"):
        volume_create_options({"Driver": "nfs"})
    assert volume_prune([PruneReport("v", 7)]) == {"VolumesDeleted": ["v"], "SpaceReclaimed": 7}

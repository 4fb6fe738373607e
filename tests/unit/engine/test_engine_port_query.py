"""port's published ports, read from the spec's JSON without decoding the spec
(issue 16): the same ports as the decoded spec's, and the decode where the JSON does
not read so."""

from __future__ import annotations

import json
from pathlib import Path

from hutch.api.container_usage import PublishedPort
from hutch.engine import netquery
from hutch.engine.port_query import published
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_io import spec_to_json
from hutch.runtime.spec_network import NetworkSpec, PortMapping

PORTS = (
    PortMapping("0.0.0.0", 8080, 80),
    PortMapping("127.0.0.1", 5353, 53, "udp"),
    PortMapping("", 9000, 9000),
)


def _bundle(tmp_path: Path, ports: tuple[PortMapping, ...]) -> Path:
    spec = Spec(
        id="c" * 64, hostname="h", process=Process(args=("sh",), env=()),
        rootfs=Rootfs("bind", "/x"), network=NetworkSpec(mode="private", ports=ports),
    )  # fmt: skip
    (tmp_path / "config.json").write_bytes(spec_to_json(spec))
    return tmp_path


def test_the_ports_are_the_spec_s(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, PORTS)
    want = tuple(PublishedPort(p.host_ip, p.host_port, p.container_port, p.protocol) for p in PORTS)
    assert published(bundle) == want


def test_no_spec_publishes_nothing(tmp_path: Path) -> None:
    assert published(tmp_path) == ()
    assert published(_bundle(tmp_path, ())) == ()


def test_ports_of_another_shape_are_decoded(tmp_path: Path) -> None:
    # a port number written as text is no int: the peek gives up and the spec's codec
    # reads the file, whose answer port gives, as it did before the peek
    bundle = _bundle(tmp_path, PORTS[:2])
    data = json.loads((bundle / "config.json").read_bytes())
    data["network"]["ports"][0]["host_port"] = "8080"
    (bundle / "config.json").write_text(json.dumps(data))
    raw = (bundle / "config.json").read_bytes()
    decoded = netquery.network_in(raw).ports
    want = tuple(
        PublishedPort(p.host_ip, p.host_port, p.container_port, p.protocol) for p in decoded
    )
    assert published(bundle) == want
    # a spec with no network object at all: the codec's default, no ports
    del data["network"]
    (bundle / "config.json").write_text(json.dumps(data))
    assert published(bundle) == ()

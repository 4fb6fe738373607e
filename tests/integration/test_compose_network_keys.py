"""``hutch compose up`` with a project's networks written as Docker users write them:
``ipam.driver``, Docker's bridge options in ``driver_opts``, ``internal``,
``enable_ipv6`` and ``labels`` reach the networks ``network inspect`` shows, and a
bridge named by ``com.docker.network.bridge.name`` is the link in the rootless
namespace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import Hutch

COMPOSE = """\
name: netkeys
services:
  web:
    image: {image}
    command: sleep 600
    networks: [front, bare]
networks:
  front:
    ipam:
      driver: default
      config:
        - subnet: 10.97.0.0/24
          ip_range: 10.97.0.128/25
          gateway: 10.97.0.1
    driver_opts:
      com.docker.network.bridge.name: br-front
      com.docker.network.driver.mtu: 1400
    internal: true
    labels:
      tier: web
  bare:
    ipam:
      driver: none
"""


def inspect(hutch: Hutch, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(hutch("network", "inspect", name).stdout)[0]
    return found


def test_network_keys_reach_network_create(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image))
    compose = ("compose", "-f", str(tmp_path / "compose.yaml"))
    hutch(*compose, "up", "-d")
    try:
        front = inspect(hutch, "netkeys_front")
        assert front["network_interface"] == "br-front"
        assert front["ipam_options"] == {"driver": "host-local"}
        (subnet,) = front["subnets"]
        assert subnet["subnet"] == "10.97.0.0/24" and subnet["gateway"] == "10.97.0.1"
        # podman's lease range: the first address after the range's own
        assert subnet["lease_range"]["start_ip"] == "10.97.0.129"
        assert front["options"] == {"mtu": "1400"}
        assert front["internal"] is True
        assert front["labels"]["tier"] == "web"
        assert front["labels"]["com.docker.compose.network"] == "front"
        bare = inspect(hutch, "netkeys_bare")
        assert bare["ipam_options"] == {"driver": "none"} and "subnets" not in bare
        # the container is on both: an address from the range on one, none on the other
        addresses = hutch(*compose, "exec", "web", "ip", "-o", "-4", "addr").stdout
        assert "10.97.0." in addresses
        octet = int(addresses.split("10.97.0.")[1].split("/")[0])
        assert octet >= 128
        assert len(addresses.splitlines()) == 2, addresses  # lo and the front network's
        inside = hutch(*compose, "exec", "web", "ip", "-o", "link").stdout
        assert sum(" mtu 1400 " in x for x in inside.splitlines()) == 1, inside
        pid = (hutch.env.runtime_dir / "hutch" / "netns" / "rootless.pid").read_text().split()[0]
        links = hutch("unshare", "nsenter", f"--net=/proc/{pid}/ns/net", "ip", "-o", "link").stdout
        assert any(": br-front:" in x for x in links.splitlines()), links
    finally:
        hutch(*compose, "down", "-t", "0")  # sleep, pid 1, ignores SIGTERM: 10 s without
    assert hutch("network", "exists", "netkeys_front", check=False).returncode == 1


def test_an_unknown_ipam_driver_creates_nothing(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  a:\n    image: {base_image}\n    networks: [n]\n"
        "networks:\n  n:\n    ipam:\n      driver: weave\n"
    )
    result = hutch("compose", "-f", str(tmp_path / "compose.yaml"), "up", "-d", check=False)
    assert result.returncode == 125
    assert "compose.yaml:8: networks.n.ipam.driver: unsupported ipam driver 'weave'" in (
        result.stderr
    )
    assert "(network 'n')" in result.stderr
    names = hutch("network", "ls", "--format", "{{.Name}}").stdout.split()
    assert not [n for n in names if n.endswith("_n")], names

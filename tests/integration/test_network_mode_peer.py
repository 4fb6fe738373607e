"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): inspect's
``.HostConfig.NetworkMode`` in podman's words. The private network is named by its
helper without its options (4.3.1's default is slirp4netns, current podman's and
hutch's pasta), user-defined networks are ``bridge``."""

from __future__ import annotations

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

MODE = ("inspect", "--format", "{{.HostConfig.NetworkMode}}", "mode")


@pytest.mark.parametrize(
    "network",
    ["none", "host", "slirp4netns", "slirp4netns:allow_host_loopback=true", "modenet"],
)
def test_network_mode_as_podman(hutch: Hutch, base_image: str, podman: Run, network: str) -> None:
    for tool, image in ((hutch, base_image), (podman, "base")):
        if network == "modenet":
            tool("network", "create", "modenet")
        tool("create", "--name", "mode", "--network", network, image, "true")
    try:
        mine, theirs = hutch(*MODE).stdout, podman(*MODE).stdout
        assert mine == theirs
        assert mine.strip() == {"modenet": "bridge"}.get(network, network.partition(":")[0])
    finally:
        for tool in (hutch, podman):
            tool("rm", "mode")
            if network == "modenet":
                tool("network", "rm", "modenet")


def test_the_default_network_is_named_by_its_helper(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "mode", base_image, "true")
    assert hutch(*MODE).stdout == "pasta\n"
    hutch("rm", "mode")


@pytest.mark.parametrize("network", ["host", "none"])
def test_ports_on_a_network_without_ports_warn_and_run_as_podman(
    hutch: Hutch, base_image: str, podman: Run, network: str
) -> None:
    assert base_image == "base"  # the same name in both stores
    argv = ("run", "--rm", "-p", "8080:80", "--network", network, "base", "echo", "ran")
    assert both(hutch, podman, *argv) == (
        0,
        "ran\n",
        "Port mappings have been discarded as one of the Host, Container, Pod, and None "
        "network modes are in use\n",
    )
    # -P: no word, no port (podman counts -p's mappings only)
    assert both(hutch, podman, "run", "--rm", "-P", "--expose", "80", "--network", network,
                "base", "echo", "ran") == (0, "ran\n", "")  # fmt: skip

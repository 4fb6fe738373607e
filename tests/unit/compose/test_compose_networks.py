"""A project's networks -> network create's options (compose/networks.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hutch.api.compose import ComposeProjectOptions
from hutch.compose.errors import ComposeError
from hutch.compose.networks import network_options
from hutch.compose.project import Project, load_project

HEAD = "services:\n  a:\n    image: x\n    networks: [front]\nnetworks:\n  front:\n"


def load(cwd: Path, text: str) -> Project:
    (cwd / "compose.yaml").write_text(textwrap.dedent(text))
    return load_project(ComposeProjectOptions(cwd=str(cwd), environ={"HOME": "/home/u"}))


def test_every_network_key_reaches_the_options(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        HEAD + "    ipam:\n      driver: default\n      config:\n"
        "        - {subnet: 10.7.0.0/24, ip_range: 10.7.0.128/25, gateway: 10.7.0.1}\n"
        "    driver_opts: {com.docker.network.bridge.name: br-front,"
        " com.docker.network.driver.mtu: 1400}\n"
        "    internal: true\n    enable_ipv6: true\n    labels: [tier=web]\n",
    )
    body = project.model["networks"]["front"]
    options = network_options(body, body["name"], "p", "front")
    assert options.name == f"{tmp_path.name}_front"
    assert (options.subnets, options.ip_ranges, options.gateways) == (
        ("10.7.0.0/24",), ("10.7.0.128/25",), ("10.7.0.1",),
    )  # fmt: skip
    assert options.ipam_driver == "host-local"
    assert options.interface_name == "br-front"
    assert options.options == ("mtu=1400",)  # YAML's number, as text
    assert options.internal and options.ipv6
    assert options.labels == (
        "com.docker.compose.project=p", "com.docker.compose.network=front", "tier=web",
    )  # fmt: skip


@pytest.mark.parametrize(("driver", "expected"), [("none", "none"), ("'null'", "none")])
def test_ipam_none(tmp_path: Path, driver: str, expected: str) -> None:
    project = load(tmp_path, HEAD + f"    ipam: {{driver: {driver}}}\n")
    body = project.model["networks"]["front"]
    assert network_options(body, "n", "p", "front").ipam_driver == expected


def test_plain_network_keeps_the_defaults(tmp_path: Path) -> None:
    project = load(tmp_path, HEAD + "    driver: bridge\n")
    options = network_options(project.model["networks"]["front"], "n", "p", "front")
    assert (options.ipam_driver, options.interface_name, options.options) == ("host-local", "", ())
    assert not options.ipv6


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "    ipam:\n      driver: weave\n",
            8,
            "networks.front.ipam.driver: unsupported ipam driver 'weave': use default, "
            "host-local, none, null, dhcp (network 'front')",
        ),
        (
            "    ipam:\n      driver: dhcp\n",
            8,
            "networks.front.ipam.driver: dhcp ipam driver is not supported rootless",
        ),
        (
            "    driver_opts:\n      mtu: 1400\n"
            "      com.docker.network.bridge.enable_icc: 'true'\n",
            9,
            "networks.front.driver_opts.com.docker.network.bridge.enable_icc: "
            "unsupported driver option",
        ),
        ("    driver: overlay\n", 7, "networks.front.driver: unsupported network driver"),
        ("    enable_ipv4: false\n", 7, "networks.front.enable_ipv4: a network without IPv4"),
    ],
)
def test_refusals_name_the_file_line_and_network(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    with pytest.raises(ComposeError) as info:
        load(tmp_path, HEAD + body)
    assert info.value.exit_code == 125
    assert info.value.line == line
    assert str(info.value).startswith(f"{tmp_path}/compose.yaml:{line}: {message}")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "    ipam:\n      options: {a: b}\n",
            8,
            "networks.front.ipam.options: IPAM driver options are not supported: ignored",
        ),
        (
            "    ipam:\n      config:\n        - subnet: 10.1.0.0/24\n"
            "          aux_addresses: {h: 10.1.0.5}\n",
            10,
            "networks.front.ipam.config[0].aux_addresses: auxiliary addresses",
        ),
    ],
)
def test_ipam_options_and_aux_addresses_are_left_out_with_a_warning(
    tmp_path: Path, body: str, line: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # they were ignored before: a project already up with them must still come down
    load(tmp_path, HEAD + body)
    assert f"WARN: {tmp_path}/compose.yaml:{line}: {message}" in capsys.readouterr().err


def test_an_external_network_is_not_checked(tmp_path: Path) -> None:
    load(tmp_path, HEAD + "    external: true\n    ipam: {driver: weave}\n")


def test_dhcp_is_refused_in_network_creates_words(tmp_path: Path) -> None:
    """One refusal (api/network_compat.refuse_dhcp): compose's, at load time, says what
    ``network create --ipam-driver dhcp`` says, hint included."""
    from hutch.api.errors import InvalidArgument
    from hutch.engine import network_flags

    with pytest.raises(ComposeError) as compose:
        load(tmp_path, HEAD + "    ipam:\n      driver: dhcp\n")
    with pytest.raises(InvalidArgument) as engine:
        network_flags.ipam_driver("dhcp", False)
    assert compose.value.message.endswith(
        f"networks.front.ipam.driver: {engine.value.message} (network 'front')"
    )
    assert compose.value.hint == engine.value.hint and engine.value.hint

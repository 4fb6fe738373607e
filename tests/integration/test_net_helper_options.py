"""--network slirp4netns:OPTIONS and pasta:OPTIONS, for real (issue 15): the options reach
the helper, as podman's do; slirp4netns's are compared with Debian's podman 4.3.1 (its
pasta mode came in podman 4.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Hutch
from host_server import fixture_host_server  # noqa: F401 - the fixture
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

from hutch.linux.ifaddrs import local_ip

LAYOUT = "ip -o -4 addr show dev tap0; cat /sys/class/net/tap0/mtu"


def test_slirp4netns_cidr_and_mtu_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    mode = "slirp4netns:cidr=10.5.0.0/24,mtu=1400"
    ours = hutch("run", "--rm", "--network", mode, base_image, "sh", "-c",
                 f"{LAYOUT}; ip route; cat /etc/resolv.conf /etc/hosts").stdout  # fmt: skip
    theirs = podman("run", "--rm", "--network", mode, "base", "sh", "-c", LAYOUT)
    assert theirs.returncode == 0, theirs.stderr
    for out in (ours, theirs.stdout):
        assert "inet 10.5.0.100/24" in out
        assert out.splitlines()[1] == "1400"
    # the /etc files follow the range: the gateway is the host, .3 the DNS forwarder
    assert "default via 10.5.0.2" in ours
    assert "nameserver 10.5.0.3" in ours
    assert f"{local_ip()}\thost.containers.internal" in ours  # the host's address
    assert "10.5.0.100\t" in ours


@pytest.mark.parametrize(
    "mode",
    ["slirp4netns:foo=bar", "slirp4netns:mtu=abc", "slirp4netns:allow_host_loopback=maybe",
     "slirp4netns:cidr=10.5.0.0", "slirp4netns:port_handler=xx",
     "slirp4netns:outbound_addr=nosuch0"],
)  # fmt: skip
def test_bad_slirp4netns_options_refused_as_podman(
    hutch: Hutch, base_image: str, podman: Run, mode: str
) -> None:
    ours = hutch("run", "--rm", "--network", mode, base_image, "true", check=False)
    theirs = podman("run", "--rm", "--network", mode, "base", "true")
    # the same words; podman 4.3.1 finds them when it starts the container (126),
    # hutch before it makes one: a bad flag value is 125 here
    assert ours.stderr.strip() == theirs.stderr.strip()
    assert (ours.returncode, theirs.returncode) == (125, 126)
    assert hutch("ps", "-aq").stdout == ""  # refused before anything was made


def test_allow_host_loopback_false_cuts_the_host_off(
    hutch: Hutch, base_image: str, host_server: tuple[str, int]
) -> None:
    _ip, port = host_server
    fetch = f"timeout 5 wget -qO- http://10.0.2.2:{port}/"
    got = hutch("run", "--rm", "--network", "slirp4netns", base_image, "sh", "-c", fetch)
    assert got.stdout.strip() == "from-host"
    cut = hutch("run", "--rm", "--network", "slirp4netns:allow_host_loopback=false",
                base_image, "sh", "-c", fetch, check=False)  # fmt: skip
    assert cut.returncode != 0 and "from-host" not in cut.stdout


def test_pasta_options_reach_pasta(
    hutch: Hutch, base_image: str, host_server: tuple[str, int]
) -> None:
    _ip, port = host_server
    # -T PORT: the container's own loopback port leads to the host's (hutch's default
    # is -T none); --mtu: pasta's own flag, passed as given
    script = f"cat /sys/class/net/*/mtu | sort -u; timeout 5 wget -qO- http://127.0.0.1:{port}/"
    got = hutch("run", "--rm", "--network", f"pasta:-T,{port},--mtu,1400", base_image,
                "sh", "-c", script).stdout.split()  # fmt: skip
    assert "1400" in got and got[-1] == "from-host"
    closed = hutch("run", "--rm", "--network", "pasta", base_image, "sh", "-c",
                   f"timeout 5 wget -qO- http://127.0.0.1:{port}/", check=False)  # fmt: skip
    assert closed.returncode != 0
    refused = hutch("run", "--rm", "--network", "pasta:--pid,/tmp/x", base_image, "true",
                    check=False)  # fmt: skip
    assert refused.returncode == 125
    assert "--pid: hutch sets it itself" in refused.stderr


def test_build_steps_get_the_helpers_options(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "Containerfile").write_text(
        f"FROM {base_image}\nRUN cat /sys/class/net/tap0/mtu > /mtu; ip -o -4 addr > /addr\n"
    )
    hutch("build", "-q", "-t", "helper-opts", "--network", "slirp4netns:mtu=1300,cidr=10.6.0.0/24",
          str(tmp_path))  # fmt: skip
    out = hutch("run", "--rm", "--network", "none", "helper-opts", "cat", "/mtu", "/addr").stdout
    assert out.splitlines()[0] == "1300" and "10.6.0.100/24" in out
    hutch("rmi", "helper-opts")

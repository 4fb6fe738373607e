"""The private network's /etc/resolv.conf: one function for run and a build's RUN step."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.build.runstep import write_etc_files
from hutch.build.stepstate import RunSettings
from hutch.engine import helper_options, netconfig
from hutch.runtime import etcfiles

HOST = (
    "# written by the host's resolver manager\n"
    "nameserver 127.0.0.53\n"
    "options edns0 trust-ad\n"
    "nameserver 192.0.2.53\n"
    "search corp.test\n"
)


def _no_stub_file(path: str) -> str:
    return ""


def test_the_forwarder_leads_and_the_hosts_reachable_servers_follow() -> None:
    """podman 4.3.1 and current write ``nameserver 10.0.2.3`` then the host's servers
    the container can ask itself: a loopback one goes (the forwarder reaches it)."""
    assert etcfiles.private_resolv(HOST, "10.0.2.3", _no_stub_file) == (
        "nameserver 10.0.2.3\n"
        "nameserver 192.0.2.53\n"
        "# written by the host's resolver manager\n"
        "options edns0 trust-ad\n"
        "search corp.test\n"
    )


def test_an_indented_server_is_a_server_too() -> None:
    text = etcfiles.private_resolv("  nameserver 192.0.2.1\n\tnameserver 127.0.0.2\n", "x")
    assert text == "nameserver x\nnameserver 192.0.2.1\n"


def test_ipv6_and_link_local_servers_go() -> None:
    # the private network is IPv4 only (pasta runs with --ipv4-only)
    host = "nameserver fe80::1%eth0\nnameserver 2001:db8::53\nnameserver ::1\nnameserver 10.9.9.9\n"
    assert etcfiles.private_resolv(host, "10.0.2.3") == "nameserver 10.0.2.3\nnameserver 10.9.9.9\n"


def test_a_lone_local_stub_is_replaced_by_its_resolvers_file() -> None:
    """systemd-resolved's 127.0.0.53 (NetworkManager's 127.0.0.1): the servers it asks,
    from its own file, as podman reads them; its search and options lines too."""
    files = {
        "/run/systemd/resolve/resolv.conf": "nameserver 192.0.2.7\nsearch lan\n",
        "/run/NetworkManager/no-stub-resolv.conf": "nameserver 192.0.2.8\n",
    }
    stub = "nameserver 127.0.0.53\nsearch corp.test\n"
    assert etcfiles.private_resolv(stub, "10.0.2.3", files.__getitem__) == (
        "nameserver 10.0.2.3\nnameserver 192.0.2.7\nsearch lan\n"
    )
    nm = "nameserver 127.0.0.1\n"
    assert etcfiles.private_resolv(nm, "10.0.2.3", files.__getitem__) == (
        "nameserver 10.0.2.3\nnameserver 192.0.2.8\n"
    )
    # no such file: the forwarder alone (podman would add Google's servers; the
    # forwarder reaches the stub)
    assert etcfiles.private_resolv(stub, "10.0.2.3", _no_stub_file) == (
        "nameserver 10.0.2.3\nsearch corp.test\n"
    )


def test_a_host_without_resolv_conf_gets_the_forwarder_alone() -> None:
    assert etcfiles.private_resolv("", "10.0.2.3") == "nameserver 10.0.2.3\n"


@pytest.mark.parametrize(
    ("mode", "dns"),
    [
        ("slirp4netns", "10.0.2.3"),
        ("pasta", "10.0.2.3"),
        # slirp4netns's cidr= moves its DNS to .3 of that range
        ("slirp4netns:cidr=10.41.0.0/24", "10.41.0.3"),
    ],
)
def test_run_and_a_build_step_name_the_same_forwarder(tmp_path: Path, mode: str, dns: str) -> None:
    net = helper_options.parse(mode).spec(mode.partition(":")[0])
    run = netconfig.resolv_text(RunOptions("i"), net, HOST)
    assert [line for line in run.splitlines() if line.startswith("nameserver")] == [
        f"nameserver {dns}",
        "nameserver 192.0.2.53",
    ]
    files = dict(write_etc_files(tmp_path, "step", "private", settings=RunSettings(private=net)))
    step = Path(files["/etc/resolv.conf"]).read_text()
    assert step.splitlines()[0] == f"nameserver {dns}"
    assert "nameserver 127.0.0.53" not in step
    # what each does with the rest is its own (as before): run rebuilds the search
    # and options lines in podman's order, a step keeps the host's lines as they are
    assert run == (
        f"search corp.test\nnameserver {dns}\nnameserver 192.0.2.53\noptions edns0 trust-ad\n"
    )

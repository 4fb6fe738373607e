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


def test_the_forwarder_replaces_every_server_and_the_rest_is_kept() -> None:
    assert etcfiles.private_resolv(HOST, "10.0.2.3") == (
        "nameserver 10.0.2.3\n"
        "# written by the host's resolver manager\n"
        "options edns0 trust-ad\n"
        "search corp.test\n"
    )


def test_an_indented_server_goes_too() -> None:
    text = etcfiles.private_resolv("  nameserver 192.0.2.1\n\tnameserver 192.0.2.2\n", "x")
    assert text == "nameserver x\n"


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
    assert run.splitlines()[0] == f"nameserver {dns}"
    assert [line for line in run.splitlines() if line.startswith("nameserver")] == [
        f"nameserver {dns}"
    ]
    files = dict(write_etc_files(tmp_path, "step", "private", settings=RunSettings(private=net)))
    step = Path(files["/etc/resolv.conf"]).read_text()
    assert step.splitlines()[0] == f"nameserver {dns}"
    assert "nameserver 127.0.0.53" not in step
    # what each does with the rest is its own (as before): run rebuilds the search
    # and options lines, a step keeps the host's lines as they are
    assert run == f"nameserver {dns}\nsearch corp.test\noptions edns0 trust-ad\n"

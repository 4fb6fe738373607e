"""A network made ahead of the container's options (nethelper.EarlyNetwork) is used
only where the container's own start would have made the very same one (issue 16)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.runtime import nethelper
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.nethelper import EarlyNetwork
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_network import NetworkSpec
from hutch.runtime.spec_userns import UsernsSpec

PASTA = NetworkSpec(mode="private", backend="pasta")
SPEC = Spec(
    id="c" * 64,
    hostname="h",
    process=Process(args=("sh",), env=()),
    rootfs=Rootfs(kind="bind", target="/nonexistent"),
    network=PASTA,
)


def _early(net: NetworkSpec = PASTA) -> EarlyNetwork:
    if net.mode == "none":
        return EarlyNetwork(net, 7, nethelper._cgroup())
    return EarlyNetwork(net, 7, nethelper._cgroup(), 1234, 8, "/run/a/pasta-1.pid", 9)


def test_the_same_network_fits() -> None:
    assert _early().fits(SPEC)
    assert _early(NetworkSpec()).fits(replace(SPEC, network=NetworkSpec()))
    given = replace(PASTA, helper_args=("--mtu", "1400"))
    assert _early(given).fits(replace(SPEC, network=given))
    # what pasta is not told (the container's id) does not count
    assert _early().fits(replace(SPEC, network=replace(PASTA, container_id="c" * 64)))


@pytest.mark.parametrize(
    "spec",
    [
        replace(SPEC, network=replace(PASTA, helper_args=("--mtu", "1400"))),
        replace(SPEC, network=replace(PASTA, address="10.0.3.100")),
        replace(SPEC, network=replace(PASTA, backend="slirp4netns")),
        replace(SPEC, network=NetworkSpec()),
        replace(SPEC, network=NetworkSpec(mode="host")),
        replace(SPEC, network=replace(PASTA, join="/proc/1/ns/net")),
        replace(SPEC, namespaces=("pid", "mount", "ipc", "uts")),
        replace(SPEC, joins=(("net", "/proc/1/ns/net"),)),
        replace(SPEC, userns=UsernsSpec(uid_map=(IdMapEntry(0, 1, 1),))),
    ],
)
def test_another_network_does_not(spec: Spec) -> None:
    assert not _early().fits(spec)


def test_none_fits_none_alone() -> None:
    assert not _early(NetworkSpec()).fits(SPEC)


def test_not_after_the_monitor_changed_cgroups() -> None:
    assert not replace(_early(), cgroup="0::/elsewhere\n").fits(SPEC)


def test_a_namespace_with_lo_alone_closes_only_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[int] = []
    killed: list[int] = []
    monkeypatch.setattr(nethelper.os, "close", closed.append)
    monkeypatch.setattr(nethelper.os, "kill", lambda pid, sig: killed.append(pid))
    _early(NetworkSpec()).discard()
    assert (closed, killed) == ([7], [])  # never kill(0): our whole process group

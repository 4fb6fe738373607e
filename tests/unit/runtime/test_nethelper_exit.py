"""The private network's helper: when pasta is ready, and when the monitor reaps it.

A helper that listens on no port of the host is told to go when the run ends but
reaped only after the attached caller was let go (its exit, the kernel's removal
of the tap device, took 20 to 60 ms of each ``run --rm``); one that holds host
ports is reaped before the exit is told, so that the ports are free when ``run``
returns. Real child processes stand in for the helper."""

from __future__ import annotations

import os
import subprocess
import time
import types
from pathlib import Path

import pytest

from hutch.runtime import nethelper
from hutch.runtime.monitor import Monitor, MonitorArgs
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.spec_network import NetworkSpec, PortMapping


def test_only_a_helper_on_host_ports_must_be_gone_first() -> None:
    private = NetworkSpec(mode="private", backend="pasta")
    assert not nethelper.holds_host_ports(private)
    published = NetworkSpec(mode="private", backend="pasta", ports=(PortMapping("", 8080, 80),))
    assert nethelper.holds_host_ports(published)
    for user in (("-t", "8080"), ("--tcp-ports=8080",), ("-u", "53"), ("--udp-ports", "53")):
        spec = NetworkSpec(mode="private", backend="pasta", helper_args=user)
        assert nethelper.holds_host_ports(spec), user
    # the namespace side's forwards (-T, -U) bind in the container, not on the host
    inward = NetworkSpec(mode="private", backend="pasta", helper_args=("-T", "5432"))
    assert not nethelper.holds_host_ports(inward)
    slirp = NetworkSpec(mode="private", backend="slirp4netns", ports=(PortMapping("", 80, 80),))
    assert nethelper.holds_host_ports(slirp)
    # user networks have no helper of the container's own
    bridge = NetworkSpec(mode="bridge", ports=(PortMapping("", 8080, 80),))
    assert not nethelper.holds_host_ports(bridge)


def test_pasta_does_not_watch_the_namespace_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hutch.linux.procfs.real_root", lambda: False)
    argv = nethelper.pasta_argv(NetworkSpec(mode="private", backend="pasta"), 7, Path("/p"))
    assert argv.count("--no-netns-quit") == 1
    given = NetworkSpec(mode="private", backend="pasta", helper_args=("--no-netns-quit",))
    assert nethelper.pasta_argv(given, 7, Path("/p")).count("--no-netns-quit") == 1


def _fifo(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "ready"
    os.mkfifo(path, 0o600)
    return path, os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def test_ready_when_the_pid_fifo_is_written(tmp_path: Path) -> None:
    path, reader = _fifo(tmp_path)
    child = subprocess.Popen(["sh", "-c", f'sleep 0.2; echo $$ > "{path}"; exec sleep 30'])
    try:
        assert nethelper._wait_ready(child.pid, reader)
        # not woken before the write: the pid is there to read
        assert os.read(reader, 64).strip() == str(child.pid).encode()
    finally:
        os.close(reader)
        child.kill()
        child.wait()


def test_not_ready_when_the_helper_exits_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nethelper, "_READY_TIMEOUT", 600.0)  # the test would hang
    _path, reader = _fifo(tmp_path)
    child = subprocess.Popen(["sh", "-c", "sleep 0.1; exit 3"])
    try:
        assert not nethelper._wait_ready(child.pid, reader)
        with pytest.raises(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)  # reaped by the wait
    finally:
        os.close(reader)


def test_not_ready_when_the_helper_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nethelper, "_READY_TIMEOUT", 0.3)
    _path, reader = _fifo(tmp_path)
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert not nethelper._wait_ready(child.pid, reader)
    finally:
        os.close(reader)
        child.kill()
        child.wait()


def _monitor(tmp_path: Path, net: NetworkSpec, helper: int) -> Monitor:
    monitor = Monitor.__new__(Monitor)  # only the network's part is used here
    monitor.args = MonitorArgs(
        bundle=tmp_path,
        attach=str(tmp_path / "attach"),
        sync_fd=-1,
        gid5=False,
        restart=RestartPolicy.parse("no"),
        cleanup=(),
        detached=False,
    )
    monitor.spec = types.SimpleNamespace(network=net)  # type: ignore[assignment]
    monitor.net_pids, monitor.net_dying = [helper], []
    return monitor


def _exited(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_a_helper_without_host_ports_is_reaped_after_the_exit_is_told(tmp_path: Path) -> None:
    helper = subprocess.Popen(["sleep", "30"])
    monitor = _monitor(tmp_path, NetworkSpec(mode="private", backend="pasta"), helper.pid)
    monitor._detach_network()
    assert monitor.net_pids == [] and monitor.net_dying == [helper.pid]
    deadline = time.monotonic() + 5
    while not _exited(helper.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _exited(helper.pid)  # told to go (SIGTERM), left for the reap
    monitor._reap_dying()
    assert monitor.net_dying == []
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)


def test_a_helper_on_host_ports_is_reaped_before_the_exit_is_told(tmp_path: Path) -> None:
    helper = subprocess.Popen(["sleep", "30"])
    net = NetworkSpec(mode="private", backend="pasta", ports=(PortMapping("", 8080, 80),))
    monitor = _monitor(tmp_path, net, helper.pid)
    monitor._detach_network()
    assert monitor.net_pids == [] and monitor.net_dying == []
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)

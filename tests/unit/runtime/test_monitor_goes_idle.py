"""The full monitor's exec into the idle loop (Monitor._go_idle): the loop's module is
compiled first, and the loop is exec'd with the package made bare (no __init__)."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from hutch.runtime import monitor as mon
from hutch.runtime import monitorio as mio
from hutch.runtime.logfile import LogWriter
from hutch.runtime.monitor import Monitor, MonitorArgs


def test_the_idle_loop_is_compiled_then_exec_d_without_the_package_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(mon, "cache_bytecode", lambda module: calls.append(("compile", module)))
    monkeypatch.setattr(
        mio, "exec_half", lambda *args: calls.append(("exec", args[0], args[1], args[4]))
    )
    monkeypatch.setattr(mon, "spec_to_json", lambda spec: "{}")
    monitor = Monitor.__new__(Monitor)  # only what the hand-over reads
    args = MonitorArgs.__new__(MonitorArgs)
    object.__setattr__(args, "argv", ())
    object.__setattr__(args, "bundle", tmp_path)
    monitor.args, monitor.spec = args, None  # type: ignore[assignment]
    monitor.io = mio.Stdio(LogWriter("none", str(tmp_path / "ctr.log")))
    monitor.log, monitor.clients = monitor.io.log, monitor.io.clients
    monitor.idle_at = time.monotonic() - 1
    monitor.deadline, monitor.health, monitor.helper = None, None, None
    monitor.host_pid = monitor.init_pid = monitor.oom_before = monitor.init_mntns_id = 0
    monitor.cgroup, monitor.net_pids, monitor.init_mntns = None, [], None
    monitor.userns_fd = monitor.own_pidns = -1
    listener, peer = socket.socketpair()
    try:
        monitor._go_idle(listener, {}, -1, None)
    finally:
        listener.close()
        peer.close()
    assert calls == [("compile", mon.IDLE), ("exec", mon.IDLE, "main", mon.PACKAGE_DIR)]
    assert Path(mon.PACKAGE_DIR, "__init__.py").is_file()
    assert Path(mon.PACKAGE_DIR).name == "hutch"

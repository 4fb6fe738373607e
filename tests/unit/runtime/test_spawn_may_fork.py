"""When the monitor may be the command forked (``runtime/spawn._may_fork``), and what
the fork undoes of the command before the monitor's main (run in a forked child;
the whole monitor, forked and exec'd, in tests/integration/test_monitor_fork.py)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.runtime import spawn

SHORT = ["py", "-S", "-m", "hutch.runtime.monitor"]


def test_a_plain_command_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    # as a command that never imported threading (a thread another test left
    # behind must not decide this one)
    monkeypatch.delitem(sys.modules, "threading")
    monkeypatch.delenv(spawn.EXEC_ENV, raising=False)
    assert spawn._may_fork(SHORT)


def test_the_variable_asks_for_a_new_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spawn.EXEC_ENV, "1")
    assert not spawn._may_fork(SHORT)


@pytest.fixture
def other_thread() -> Iterator[None]:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        yield
    finally:
        release.set()
        thread.join()


@pytest.mark.usefixtures("other_thread")
def test_not_while_another_thread_runs() -> None:
    assert not spawn._may_fork(SHORT)


def test_not_when_our_command_line_cannot_show_the_monitors() -> None:
    area = len(Path("/proc/self/cmdline").read_bytes())
    assert not spawn._may_fork(["x" * area, "-S", "-m", "hutch.runtime.monitor"])


def test_the_fork_undoes_the_commands_state() -> None:
    """Handlers, close-on-exec descriptors and stdio as a new interpreter has them."""
    report_r, report_w = os.pipe()
    os.set_inheritable(report_w, True)  # kept, as the sync socket is
    kept_r, kept_w = os.pipe()
    os.set_inheritable(kept_r, True)
    closed_r, closed_w = os.pipe()  # close-on-exec: what an exec would close
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            signal.signal(signal.SIGUSR1, lambda *_: None)
            signal.signal(signal.SIGINT, lambda *_: None)
            signal.signal(signal.SIGQUIT, signal.SIG_IGN)
            spawn._stdio_to_null()
            spawn._close_on_exec_fds()
            spawn._default_handlers()
            fds = sorted(int(n) for n in os.listdir("/proc/self/fd"))
            report = {
                "usr1": signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL,
                "int": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
                "quit": signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN,
                "stdio": [os.readlink(f"/proc/self/fd/{n}") for n in (0, 1, 2)],
                "fds": fds,
            }
            os.write(report_w, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(report_w)
    try:
        with os.fdopen(report_r, "rb") as f:
            report = json.loads(f.read())
    finally:
        os.waitpid(pid, 0)
        for fd in (kept_r, kept_w, closed_r, closed_w):
            os.close(fd)
    assert report["usr1"] and report["int"] and report["quit"]
    assert report["stdio"] == ["/dev/null"] * 3
    assert kept_r in report["fds"] and report_w in report["fds"]
    assert kept_w not in report["fds"] and closed_r not in report["fds"]
    assert closed_w not in report["fds"]

"""POST /build stops when its client has gone: the route hands the build the
request's ``gone``, a silent RUN step is killed while it waits, the builder stops
before its next step, and the stream's generator waits for the build to end so
that the uploaded context is removed after it
(tests/integration/test_service_build_cancel.py runs it for real)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hutch.build.builder import Builder
from hutch.build.runstep import _pump, _Stop
from hutch.build.stepstate import BuildCancelled, BuildRequest
from hutch.runtime import attachproto as ap
from hutch.service.background import background
from hutch.service.build_query import docker_options
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.request import Request
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine


def test_the_build_is_cancelled_when_its_client_has_gone() -> None:
    req = Request("POST", "/build", {"t": ["x"]}, {}, read_body=lambda: b"")
    options = docker_options(req, "/ctx.tar", "/log", None)
    assert options.cancelled is not None and not options.cancelled()
    req.gone.set()  # what the connection does once it sees the client leave
    assert options.cancelled()


def test_a_silent_run_step_is_killed_once_cancelled() -> None:
    """The pump waits for output in short ticks while a cancel is possible; once
    cancelled it kills the step's init (SIGKILL) and goes on until the monitor's
    end, as after any exit."""
    step = subprocess.Popen(["sleep", "100"])
    ours, monitor = socket.socketpair()
    flag = threading.Event()
    stop = _Stop(flag.is_set)
    stop.pid = step.pid

    def monitor_side() -> None:
        code = step.wait()  # the monitor reports the init's end
        monitor.sendall(ap.frame(ap.EXIT, str(128 - code).encode()))

    threading.Thread(target=monitor_side, daemon=True).start()
    threading.Timer(0.3, flag.set).start()
    started = time.monotonic()
    try:
        assert _pump(ours, 1, 2, stop) == 137
    finally:
        step.kill()
        ours.close()
        monitor.close()
    assert stop.done and step.returncode == -9
    assert time.monotonic() - started < 2


def test_without_a_cancel_the_pump_waits_without_ticks() -> None:
    assert _Stop(None).timeout is None
    stop = _Stop(lambda: True)
    stop.check()  # not started yet: nothing to kill
    assert not stop.done and stop.timeout == _Stop.TICK


def test_the_builder_stops_before_its_next_step(tmp_path: Path) -> None:
    flag = threading.Event()
    builder = Builder.__new__(Builder)  # the check needs only the request
    builder.request = _request(tmp_path, flag.is_set)
    builder._stop_if_cancelled()
    flag.set()
    with pytest.raises(BuildCancelled, match="client went away"):
        builder._stop_if_cancelled()


def _request(tmp_path: Path, cancelled: Callable[[], bool]) -> BuildRequest:
    from hutch.build.parser import parse

    return BuildRequest(
        containerfile=parse("FROM scratch\n", "Containerfile"),
        context_dir=tmp_path,
        ignore=None,
        build_args={},
        cancelled=cancelled,
    )


@pytest.mark.parametrize("waits", [True, False])
def test_a_closed_stream_waits_for_work_that_stops_when_gone(waits: bool) -> None:
    ctx = ServiceContext(lambda: FakeEngine(), ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]
    release = threading.Event()
    ended = threading.Event()

    def work(_engine: Any) -> int:
        release.wait(5)
        ended.set()
        return 1

    stream = background(ctx, work, stops_when_gone=waits)
    assert next(stream) == b""  # the work runs; a keep-alive piece
    threading.Timer(0.3, release.set).start()
    stream.close()  # the client left
    assert ended.is_set() is waits
    release.set()

"""GET /containers/{id}/logs hands the engine a follow that ends when its client has
gone, so a container that prints nothing does not keep the follow's thread and open
log file (tests/integration/test_service_idle_streams.py runs it for real)."""

from __future__ import annotations

from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.reply import Stream
from hutch.service.request import Request
from hutch.service.routes_container_io import logs
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine
from unit.service.test_docker_container_json import _inspect


def test_log_follow_ends_when_its_client_has_gone() -> None:
    engine = FakeEngine(container_inspects=[_inspect()])
    query = {"follow": ["1"], "stdout": ["1"]}
    req = Request("GET", "/x", query, {}, params={"id": "web"}, read_body=lambda: b"")
    ctx = ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]
    answer = logs(ctx, req)
    assert isinstance(answer, Stream)
    assert list(answer.chunks) == []  # the stream's thread asks the engine
    options = engine.calls[-1][1]
    assert engine.calls[-1][0] == "containers.logs"
    assert options.follow and options.cancelled is not None
    assert not options.cancelled()
    req.gone.set()  # what the connection does once it sees the client leave
    assert options.cancelled()

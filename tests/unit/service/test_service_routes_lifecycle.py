"""The verbs on one container go through the thread's ``hutch.Client``: its errors
are Docker's statuses, and each thread has a client (and an engine) of its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from hutch.api.containers import ActionReport
from hutch.client.client import Client
from hutch.service import routes_containers as rc
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.errors import ApiError, message_of, status_of
from hutch.service.reply import Reply
from hutch.service.request import Request
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine
from unit.service.test_docker_container_json import _inspect

CID = "c" * 64


def _ctx(engine: FakeEngine) -> ServiceContext:
    return ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]


def _req(query: dict[str, list[str]] | None = None) -> Request:
    return Request("POST", "/x", query or {}, {}, params={"id": "web"}, read_body=lambda: b"")


def _status(call: Any) -> tuple[int, str]:
    """What the server would answer for an error the handler raised."""
    from hutch.api.errors import HutchError

    try:
        call()
    except ApiError as exc:
        return exc.status, exc.message
    except HutchError as exc:
        return status_of(exc), message_of(exc)
    raise AssertionError("no error")


def test_each_thread_has_its_own_client_over_its_own_engine() -> None:
    made: list[FakeEngine] = []

    def new_engine() -> FakeEngine:
        made.append(FakeEngine())
        return made[-1]

    ctx = ServiceContext(new_engine, ServiceConfig(), Sessions())  # type: ignore[arg-type]
    client = ctx.client()
    assert isinstance(client, Client) and ctx.client() is client
    assert ctx.engine() is client.engine is made[0]
    other: list[Client] = []
    thread = threading.Thread(target=lambda: other.append(ctx.client()))
    thread.start()
    thread.join()
    assert other[0] is not client and other[0].engine is made[1]
    ctx.release_engine()
    assert ctx.client() is not client and len(made) == 3


@pytest.mark.parametrize(
    ("handler", "verb"),
    [(rc.stop, "stop"), (rc.restart, "restart"), (rc.kill, "kill"), (rc.pause, "pause"),
     (rc.unpause, "unpause"), (rc.remove, "remove")],
)  # fmt: skip
def test_one_container_verbs_ask_the_engine_through_the_client(handler: Any, verb: str) -> None:
    engine = FakeEngine(container_inspects=[_inspect("running")], action_reports=[])
    engine.action_reports = [ActionReport(CID, CID)]
    query = {"t": ["3"], "signal": ["TERM"], "force": ["1"], "v": ["1"]}
    answer = handler(_ctx(engine), _req(query))
    assert isinstance(answer, Reply) and answer.status == 204
    names, options = dict(engine.calls)[f"containers.{verb}"]
    assert names == (CID,)
    if verb in ("stop", "restart"):
        assert options.timeout == 3
    if verb == "kill":
        assert options.signal == "TERM"
    if verb == "remove":  # Docker's force kills at once
        assert (options.force, options.volumes, options.timeout) == (True, True, 0)


@pytest.mark.parametrize(
    ("error", "status"),
    [("no such container web", 404), ("container web is paused", 409),
     ("cannot pause container c: it is already paused", 409), ("it broke", 500)],
)  # fmt: skip
def test_a_failed_report_is_dockers_status(error: str, status: int) -> None:
    engine = FakeEngine(
        container_inspects=[_inspect("running")], action_reports=[ActionReport(CID, error=error)]
    )
    assert _status(lambda: rc.pause(_ctx(engine), _req())) == (status, error)


def test_a_stopped_container_is_not_modified_and_not_killed() -> None:
    engine = FakeEngine(container_inspects=[_inspect("exited")])
    answer = rc.stop(_ctx(engine), _req())
    assert isinstance(answer, Reply) and answer.status == 304
    assert _status(lambda: rc.kill(_ctx(engine), _req())) == (
        409,
        f"Container {CID} is not running",
    )
    assert [name for name, _ in engine.calls] == ["containers.inspect", "containers.inspect"]

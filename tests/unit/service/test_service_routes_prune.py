"""The four prune routes hand Docker's ``filters`` (until, label, label!) to the
engine's prune filters, as ``hutch system prune --filter`` does."""

from __future__ import annotations

import json
from typing import Any

from hutch.api.containers import ActionReport
from hutch.service import routes_containers, routes_images, routes_networks, routes_volumes
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.reply import Reply
from hutch.service.request import Request
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine

FILTERS = json.dumps({"until": ["10m"], "label": ["tier=web"], "label!": ["keep"]})
WANTED = ("until=10m", "label=tier=web", "label!=keep")


def _ctx(engine: FakeEngine) -> ServiceContext:
    return ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]


def _req(filters: str) -> Request:
    return Request("POST", "/x", {"filters": [filters]}, {}, params={}, read_body=lambda: b"")


def _json(answer: Any) -> Any:
    assert isinstance(answer, Reply)
    return json.loads(answer.body)


def test_container_prune_passes_its_filters() -> None:
    engine = FakeEngine(action_reports=[ActionReport("c" * 64, "c" * 64)])
    out = _json(routes_containers.prune(_ctx(engine), _req(FILTERS)))
    assert out == {"ContainersDeleted": ["c" * 64], "SpaceReclaimed": 0}
    assert dict(engine.calls)["containers.prune"] == WANTED


def test_image_prune_keeps_dangling_apart_from_the_prune_filters() -> None:
    engine = FakeEngine()
    with_dangling = json.dumps({"dangling": ["false"], "until": ["10m"], "label": ["tier=web"]})
    routes_images.prune(_ctx(engine), _req(with_dangling))
    options = dict(engine.calls)["images.prune"]
    assert (options.all, options.filters) == (True, ("until=10m", "label=tier=web"))
    engine = FakeEngine()
    routes_images.prune(_ctx(engine), _req(json.dumps({"label!": ["keep"]})))
    options = dict(engine.calls)["images.prune"]
    assert (options.all, options.filters) == (False, ("label!=keep",))


def test_network_and_volume_prune_pass_their_filters() -> None:
    engine = FakeEngine()
    routes_networks.prune(_ctx(engine), _req(FILTERS))
    routes_volumes.prune(_ctx(engine), _req(json.dumps({"label": ["tier=web"], "all": ["1"]})))
    calls = dict(engine.calls)
    assert calls["networks.prune"] == WANTED
    assert calls["volumes.prune"] == ("label=tier=web",)

"""The network and volume handlers over a fake engine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.api.volumes import VolumeSummary
from hutch.service import routes_networks as nets
from hutch.service import routes_volumes as vols
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.errors import ApiError
from hutch.service.reply import Reply
from hutch.service.request import Request
from hutch.service.sessions import Sessions
from unit.fakes import FakeEngine

FRONT = NetworkSummary(
    "front", "f" * 64, "bridge", "hutch1", (NetworkSubnet("10.89.1.0/24", "10.89.1.1"),),
    False, False, True, (), (), 1.0,
)  # fmt: skip


def _ctx(engine: FakeEngine) -> ServiceContext:
    return ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]


def _req(query: dict[str, list[str]] | None = None, params: dict[str, str] | None = None,
         body: Any = None) -> Request:  # fmt: skip
    pieces = [json.dumps(body).encode()] if body is not None else []

    def read() -> bytes:
        return pieces.pop() if pieces else b""

    return Request("POST", "/x", query or {}, {}, params=params or {}, read_body=read)


def _json(answer: Any) -> Any:
    assert isinstance(answer, Reply)
    return json.loads(answer.body)


def _status(call: Any) -> int:
    with pytest.raises(ApiError) as exc:
        call()
    return exc.value.status


def test_network_list_has_dockers_predefined_networks_and_the_users() -> None:
    engine = FakeEngine(network_summaries=[FRONT])
    names = [n["Name"] for n in _json(nets.list_networks(_ctx(engine), _req()))]
    assert names == ["bridge", "host", "none", "front"]
    custom = _req({"filters": ['{"type": ["custom"]}']})
    assert [n["Name"] for n in _json(nets.list_networks(_ctx(engine), custom))] == ["front"]
    named = _req({"filters": ['{"name": ["fr"]}']})
    assert [n["Name"] for n in _json(nets.list_networks(_ctx(engine), named))] == ["front"]
    assert dict(engine.calls)["networks.ls"] == ("name=fr",)


def test_network_create_inspect_connect_delete() -> None:
    engine = FakeEngine(network_summaries=[FRONT])
    assert _status(lambda: nets.create_network(_ctx(engine), _req(body={"Name": "front"}))) == 409
    engine.network_summaries = [FRONT]
    created = nets.create_network(_ctx(FakeEngine(network_summaries=[FRONT])),
                                  _req(body={"Name": "back"}))  # fmt: skip
    assert isinstance(created, Reply) and created.status == 201
    assert _json(created) == {"Id": "f" * 64, "Warning": ""}
    out = _json(nets.inspect_network(_ctx(engine), _req(params={"id": "front"})))
    assert out["IPAM"]["Config"][0]["Subnet"] == "10.89.1.0/24"
    assert (
        _json(nets.inspect_network(_ctx(engine), _req(params={"id": "host"})))["Driver"] == "host"
    )
    assert _status(lambda: nets.inspect_network(_ctx(engine), _req(params={"id": "x"}))) == 404
    body = {"Container": "web", "EndpointConfig": {"Aliases": ["w"]}}
    nets.connect(_ctx(engine), _req(params={"id": "front"}, body=body))
    assert dict(engine.calls)["networks.connect"].aliases == ("w",)
    # bridge: the engine's default network (it answers; host and none stay Docker's own)
    nets.connect(_ctx(engine), _req(params={"id": "bridge"}, body=body))
    assert engine.calls[-1][1].network == "bridge"
    assert (
        _status(lambda: nets.connect(_ctx(engine), _req(params={"id": "host"}, body=body))) == 403
    )
    assert (
        _status(lambda: nets.disconnect(_ctx(engine), _req(params={"id": "bridge"}, body=body)))
        == 403
    )
    answer = nets.delete(_ctx(engine), _req(params={"id": "front"}))
    assert isinstance(answer, Reply) and answer.status == 204


def test_volumes_create_inspect_delete_prune() -> None:
    volume = VolumeSummary("data", "local", "/m", 1.0, labels=(("a", "b"),))
    engine = FakeEngine(volume_list=[volume])
    created = vols.create_volume(_ctx(engine), _req(body={"Name": "data", "Labels": {"a": "b"}}))
    assert isinstance(created, Reply) and created.status == 201
    assert _json(created)["Name"] == "data"
    assert dict(engine.calls)["volumes.create"].ignore is True
    listed = _json(vols.list_volumes(_ctx(engine), _req({"filters": ['{"label": ["a=b"]}']})))
    assert [v["Name"] for v in listed["Volumes"]] == ["data"]
    assert _status(lambda: vols.inspect_volume(_ctx(engine), _req(params={"name": "x"}))) == 404
    answer = vols.delete(_ctx(engine), _req({"force": ["1"]}, {"name": "data"}))
    assert isinstance(answer, Reply) and answer.status == 204
    assert dict(engine.calls)["volumes.remove"][1].force is True
    pruned = _json(vols.prune(_ctx(engine), _req({"filters": ['{"all": ["true"]}']})))
    assert pruned == {"VolumesDeleted": ["data"], "SpaceReclaimed": 0}

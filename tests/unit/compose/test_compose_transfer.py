"""``compose cp`` (which side is the service, which containers) and ``compose events``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from hutch.api.compose import ComposeContainer
from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.cli.compose_transfer import (
    CopyPlan,
    Membership,
    copy_plan,
    copy_targets,
    event_json,
    event_text,
)

SERVICES = {"web": {}, "db": {"container_name": "the-db"}}


def _c(service: str, number: int, one_off: bool = False, id: str = "") -> ComposeContainer:
    name = f"p-{service}-{'run-' if one_off else ''}{number}"
    return ComposeContainer(
        name, id or name, service, number, "img", "", "running", "", 0.0, one_off=one_off
    )


@pytest.mark.parametrize(
    ("source", "destination", "plan"),
    [
        ("web:/etc/a", ".", CopyPlan("web", "/etc/a", ".", into=False)),
        ("-", "web:/tmp", CopyPlan("web", "/tmp", "-", into=True)),
        ("./x:y", "db:/data", CopyPlan("db", "/data", "./x:y", into=True)),
        ("/abs/f", "web:/f", CopyPlan("web", "/f", "/abs/f", into=True)),
    ],
)
def test_copy_plan(source: str, destination: str, plan: CopyPlan) -> None:
    assert copy_plan(source, destination, SERVICES) == plan


@pytest.mark.parametrize(
    ("source", "destination", "message"),
    [
        ("web:/a", "db:/b", "copying between services is not supported"),
        ("./a", "/b", "one of the paths must be SERVICE:PATH"),
        ("cache:/a", ".", "no such service: cache"),
    ],
)
def test_copy_plan_refusals(source: str, destination: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        copy_plan(source, destination, SERVICES)


def test_copy_into_every_replica_out_of_the_first_or_the_index() -> None:
    found = [_c("web", 1), _c("web", 2), _c("db", 1)]
    into = CopyPlan("web", "/x", ".", into=True)
    out = CopyPlan("web", "/x", ".", into=False)
    assert [c.name for c in copy_targets(into, found, 0)] == ["p-web-1", "p-web-2"]
    assert [c.name for c in copy_targets(out, found, 0)] == ["p-web-1"]
    assert [c.name for c in copy_targets(into, found, 2)] == ["p-web-2"]
    with pytest.raises(InvalidArgument, match="has no container number 3"):
        copy_targets(into, found, 3)
    with pytest.raises(InvalidArgument, match="no container found for service 'web'"):
        copy_targets(into, [], 0)


EVENT = Event(
    time_ns=1_764_815_000_123_456_789,
    type="container",
    action="died",
    id="abc",
    name="p-web-1",
    image="img",
    attributes={"exitCode": "3", "com.docker.compose.project": "p"},
)


def test_event_json_keys_and_text_line() -> None:
    data = json.loads(json.dumps(event_json(EVENT, "web")))
    assert list(data) == ["time", "type", "action", "id", "service", "attributes"]
    assert data["attributes"] == {"image": "img", "name": "p-web-1", "exitCode": "3"}
    assert data["time"].split("T")[1][8:18] == ".123456789"
    line = event_text(EVENT)
    assert line.endswith(" container died abc (exitCode=3, image=img, name=p-web-1)")
    assert line.split(" ")[1].endswith(".123456")


@dataclass
class _Project:
    name: str = "p"
    services: dict[str, Any] = field(default_factory=lambda: SERVICES)


def test_membership_by_label_then_by_name() -> None:
    listed = [[_c("web", 1, id="w1"), _c("web", 1, one_off=True, id="r1")]]
    looks = []

    def listing() -> list[ComposeContainer]:
        looks.append(1)
        return listed[0]

    members = Membership(_Project(), listing)  # type: ignore[arg-type]

    def event(id: str, name: str) -> Event:
        return Event(0, "container", "start", id, name)

    assert members.service(event("w1", "p-web-1")) == "web"
    assert members.service(event("r1", "p-web-run-1")) is None  # one-off: left out
    assert len(looks) == 1
    listed[0] = [*listed[0], _c("db", 1, id="d1")]
    assert members.service(event("d1", "the-db")) == "db"  # new: looked up again
    # gone before the look: by its name; another project's: never again looked up
    assert members.service(event("w2", "p-web-2")) == "web"
    assert members.service(event("x1", "other-web-1")) is None
    assert members.service(event("x1", "other-web-1")) is None
    assert members.service(event("d9", "the-db")) == "db"
    assert len(looks) == 5

"""GET /containers/json's status filter takes Docker's states, matched on the State
the list answers (each of them valid; a 400 for restarting before)."""

from __future__ import annotations

import json

import pytest

from hutch.api.containers import ContainerListing, ListContainersOptions
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.docker.container_json import STATES
from hutch.service.errors import ApiError
from hutch.service.reply import Reply
from hutch.service.request import Request
from hutch.service.routes_containers import list_containers
from hutch.service.sessions import Sessions
from unit.service.test_docker_container_json import SUMMARY, _listing


class _Listings:
    """An engine whose containers.listing answers canned listings and keeps its options."""

    def __init__(self, listed: list[ContainerListing]) -> None:
        self.listed = listed
        self.asked: list[ListContainersOptions] = []

    @property
    def containers(self) -> _Listings:
        return self

    def listing(self, options: ListContainersOptions) -> list[ContainerListing]:
        self.asked.append(options)
        return list(self.listed)


def _ctx(engine: object) -> ServiceContext:
    return ServiceContext(lambda: engine, ServiceConfig(), Sessions())  # type: ignore[arg-type,return-value]


def _req(query: dict[str, list[str]], params: dict[str, str] | None = None) -> Request:
    return Request("GET", "/x", query, {}, params=params or {}, read_body=lambda: b"")


def _names(answer: Reply) -> list[str]:
    return [item["Names"][0] for item in json.loads(answer.body)]


# one container in each state hutch shows; newest first, as the engine lists them
ALL = [
    _listing(name="up", status="running"),
    _listing(name="ending", status="stopping"),
    _listing(name="made", status="created"),
    _listing(name="held", status="paused"),
    _listing(name="done", status="exited", exit_code=1),
    _listing(name="again", status="exited", restarting=True),
    _listing(name="broken", status="unknown"),
]


@pytest.mark.parametrize(
    ("state", "names"),
    [
        ("running", ["/up", "/ending"]),  # stopping is still running to Docker
        ("created", ["/made"]),
        ("paused", ["/held"]),
        ("exited", ["/done"]),  # one waiting out its restart back-off is restarting
        ("restarting", ["/again"]),
        ("dead", ["/broken"]),  # a container hutch cannot read
        ("removing", []),  # hutch's rm is one step: never seen
    ],
)
def test_status_filter_takes_each_docker_state(state: str, names: list[str]) -> None:
    engine = _Listings(ALL)
    answer = list_containers(_ctx(engine), _req({"filters": [json.dumps({"status": [state]})]}))
    assert isinstance(answer, Reply) and answer.status == 200
    assert _names(answer) == names
    # every container looked at, the status left out of the engine's (podman's) filters
    (asked,) = engine.asked
    assert asked.all and asked.filters == ()


def test_every_docker_state_is_valid_and_others_are_400() -> None:
    assert set(STATES) == {
        "created",
        "restarting",
        "running",
        "removing",
        "paused",
        "exited",
        "dead",
    }
    both = list_containers(
        _ctx(_Listings(ALL)), _req({"filters": ['{"status": ["paused", "dead"]}']})
    )
    assert isinstance(both, Reply) and _names(both) == ["/held", "/broken"]
    with pytest.raises(ApiError) as caught:
        list_containers(_ctx(_Listings(ALL)), _req({"filters": ['{"status": ["stopping"]}']}))
    assert (caught.value.status, caught.value.message) == (400, "invalid filter 'status=stopping'")


def test_status_with_other_filters_and_a_limit() -> None:
    engine = _Listings(ALL)
    query = {"filters": ['{"status": ["running", "exited"], "label": ["x=y"]}'], "limit": ["2"]}
    answer = list_containers(_ctx(engine), _req(query))
    # the limit counts the matches (the newest two), not the containers looked at
    assert isinstance(answer, Reply) and _names(answer) == ["/up", "/ending"]
    (asked,) = engine.asked
    assert (asked.filters, asked.last) == (("label=x=y",), None)


def test_without_status_the_engine_gets_the_filters_and_limit() -> None:
    engine = _Listings([_listing()])
    answer = list_containers(_ctx(engine), _req({"filters": ['{"name": ["web"]}'], "limit": ["3"]}))
    assert isinstance(answer, Reply) and _names(answer) == [f"/{SUMMARY.name}"]
    (asked,) = engine.asked
    assert (asked.filters, asked.last, asked.all) == (("name=web",), 3, True)

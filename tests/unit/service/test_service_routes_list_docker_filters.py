"""GET /containers/json takes Docker's ``publish``, ``expose`` and ``health=none``,
which podman's ps filters have not: matched by the service on the engine's listing."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hutch.service.errors import ApiError
from hutch.service.routes_containers import list_containers
from unit.service.test_docker_container_json import _listing
from unit.service.test_service_routes_list_status import _ctx, _Listings, _names, _req

ALL = [
    _listing(name="web", status="running", ports=(("", 8080, 80, "tcp"),), health="healthy"),
    replace(_listing(name="dns", status="running", ports=(("", 5353, 53, "udp"),), health=""),
            exposed=("53/udp", "9000/tcp")),
    replace(_listing(name="db", status="running", ports=(), health=""), exposed=("5432/tcp",)),
    _listing(name="plain", status="running", ports=(), health="starting"),
]  # fmt: skip


def _listed(filters: dict[str, list[str]], limit: str = "") -> tuple[list[str], _Listings]:
    engine = _Listings(ALL)
    query = {"filters": [json.dumps(filters)], **({"limit": [limit]} if limit else {})}
    return _names(list_containers(_ctx(engine), _req(query))), engine


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"publish": ["80"]}, ["/web"]),
        ({"publish": ["80/tcp"]}, ["/web"]),
        ({"publish": ["80/udp"]}, []),
        ({"publish": ["50-60/udp"]}, ["/dns"]),
        ({"publish": ["53", "80"]}, ["/web"]),  # 53 is tcp by default: dns publishes udp
        ({"expose": ["5432"]}, ["/db"]),
        ({"expose": ["80"]}, ["/web"]),  # a published port is exposed too
        ({"expose": ["8990-9010"]}, ["/dns"]),
        ({"health": ["none"]}, ["/dns", "/db"]),
        ({"health": ["none", "healthy"]}, ["/web", "/dns", "/db"]),
        ({"health": ["starting"]}, ["/plain"]),
    ],
)
def test_dockers_own_filters(filters: dict[str, list[str]], names: list[str]) -> None:
    listed, engine = _listed(filters)
    assert listed == names
    (asked,) = engine.asked
    assert asked.filters == ()  # none of them reaches the engine (ps would refuse them)


def test_the_limit_counts_the_matches_and_other_keys_reach_the_engine() -> None:
    listed, engine = _listed({"expose": ["0-65535"], "name": ["d"]}, limit="1")
    assert listed == ["/web"]
    (asked,) = engine.asked
    assert (asked.filters, asked.last) == (("name=d",), None)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"publish": ["8080:80"]}, "filter for 'publish' should not contain ':': 8080:80"),
        ({"expose": ["web"]}, "error while looking up for expose web: invalid port"),
        ({"publish": ["90-80"]}, "error while looking up for publish 90-80: invalid port range"),
        ({"health": ["sick"]}, "Unrecognised filter value for health: sick"),
    ],
)
def test_bad_values_are_400_in_dockers_words(filters: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ApiError) as caught:
        _listed(filters)
    assert (caught.value.status, caught.value.message) == (400, message)

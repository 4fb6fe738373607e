"""Routing and the API version prefix."""

from __future__ import annotations

import pytest

from hutch.service.errors import ApiError
from hutch.service.reply import Reply
from hutch.service.router import Router, split_version


def _ok(ctx: object, req: object) -> Reply:
    return Reply()


def _other(ctx: object, req: object) -> Reply:
    return Reply(201)


def test_params_and_path_params() -> None:
    router = Router()
    router.get("/containers/{id}/json", _ok)
    router.get("/images/{name:path}/json", _other)
    handler, params = router.match("GET", "/containers/abc/json")
    assert handler is _ok and params == {"id": "abc"}
    handler, params = router.match("HEAD", "/containers/abc/json")
    assert params == {"id": "abc"}
    handler, params = router.match("GET", "/images/localhost:5000/a/b:1/json")
    assert handler is _other and params == {"name": "localhost:5000/a/b:1"}


def test_unknown_path_is_404_and_wrong_method_405() -> None:
    router = Router()
    router.post("/containers/{id}/start", _ok)
    with pytest.raises(ApiError) as missing:
        router.match("POST", "/containers/a/b/start")
    assert missing.value.status == 404 and missing.value.message == "page not found"
    with pytest.raises(ApiError) as method:
        router.match("GET", "/containers/a/start")
    assert method.value.status == 405


def test_first_matching_route_wins() -> None:
    router = Router()
    router.get("/images/json", _ok)
    router.get("/images/{name:path}", _other)
    assert router.match("GET", "/images/json")[0] is _ok
    assert router.match("GET", "/images/alpine")[0] is _other


@pytest.mark.parametrize(
    ("path", "version", "rest"),
    [
        ("/_ping", (1, 41), "/_ping"),
        ("/v1.41/containers/json", (1, 41), "/containers/json"),
        ("/v1.24/version", (1, 24), "/version"),
        ("/v1.30/images/v1.2/json", (1, 30), "/images/v1.2/json"),
    ],
)
def test_version_prefix(path: str, version: tuple[int, int], rest: str) -> None:
    assert split_version(path) == (version, rest)


@pytest.mark.parametrize(("path", "word"), [("/v1.12/version", "old"), ("/v1.43/info", "new")])
def test_versions_outside_the_range_are_refused(path: str, word: str) -> None:
    with pytest.raises(ApiError) as refused:
        split_version(path)
    assert refused.value.status == 400 and f"too {word}" in refused.value.message

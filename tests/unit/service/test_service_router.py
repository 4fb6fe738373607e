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


def test_a_named_handler_is_imported_on_first_match() -> None:
    from hutch.service import routes_ping

    router = Router()
    router.get("/_ping", "routes_ping:ping")
    handler, _ = router.match("HEAD", "/_ping")
    assert handler is routes_ping.ping
    assert router.match("GET", "/_ping")[0] is handler


def test_every_route_of_the_table_names_a_function() -> None:
    from hutch.service.app import ROUTES
    from hutch.service.router import load_handler

    assert len({(method, pattern) for method, pattern, _ in ROUTES}) == len(ROUTES)
    for _method, _pattern, target in ROUTES:
        assert callable(load_handler(target)), target


def test_the_first_ping_loads_no_other_family_of_endpoints() -> None:
    """What socket activation waits for: the router and /_ping's own module only."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from hutch.service.app import build_router\n"
        "router = build_router()\n"
        "router.match('GET', '/_ping')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('hutch.service.routes', "
        "'hutch.api.containers', 'hutch.api.images'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['hutch.service.routes_ping']"


def test_a_libpod_path_carries_podmans_version_which_is_dropped() -> None:
    assert split_version("/v4.3.1/libpod/build") == ((1, 41), "/libpod/build")
    assert split_version("/v5.0/libpod/_ping") == ((1, 41), "/libpod/_ping")
    from hutch.service.app import build_router

    handler, _ = build_router().match("POST", "/libpod/build")
    assert handler.__name__ == "libpod_build"

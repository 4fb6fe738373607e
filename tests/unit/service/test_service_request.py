"""Query, filters and bodies as handlers read them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hutch.service.errors import ApiError
from hutch.service.request import Request


def _body(*pieces: bytes) -> Callable[[], bytes]:
    left = list(pieces)
    return lambda: left.pop(0) if left else b""


def _req(query: dict[str, list[str]] | None = None, *pieces: bytes, limit: int = 0) -> Request:
    return Request("POST", "/x", query or {}, {}, body_limit=limit, read_body=_body(*pieces))


def test_filters_both_shapes_and_as_cli_flags() -> None:
    req = _req({"filters": ['{"label": ["a=b", "c"], "status": {"running": true, "x": false}}']})
    assert req.filters() == {"label": ["a=b", "c"], "status": ["running"]}
    assert req.filter_args() == ("label=a=b", "label=c", "status=running")


@pytest.mark.parametrize("text", ["{", "[1]"])
def test_bad_filters_are_400(text: str) -> None:
    with pytest.raises(ApiError) as bad:
        _req({"filters": [text]}).filters()
    assert bad.value.status == 400


def test_flags_and_ints() -> None:
    req = _req({"all": ["1"], "size": ["false"], "t": ["10"], "bad": ["maybe"], "n": ["x"]})
    assert req.flag("all") and not req.flag("size") and req.flag("missing", True)
    assert req.int_arg("t") == 10 and req.int_arg("missing", 3) == 3
    with pytest.raises(ApiError):
        req.flag("bad")
    with pytest.raises(ApiError):
        req.int_arg("n")


def test_json_body_in_pieces() -> None:
    assert _req(None, b'{"Image"', b': "alpine"}').json() == {"Image": "alpine"}
    assert _req(None).json() == {}
    with pytest.raises(ApiError) as required:
        _req(None).json(required=True)
    assert required.value.status == 400


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_malformed_json_is_400(body: bytes) -> None:
    with pytest.raises(ApiError) as bad:
        _req(None, body).json()
    assert bad.value.status == 400 and "invalid JSON" in bad.value.message


def test_body_over_the_limit_is_413() -> None:
    with pytest.raises(ApiError) as big:
        _req(None, b"x" * 600, b"y" * 600, limit=1000).body()
    assert big.value.status == 413 and "1000 bytes" in big.value.message
    assert _req(None, b"x" * 600, limit=1000).body() == b"x" * 600

"""One HTTP request as a handler sees it: method, path, query, headers, body.

The body is read on demand: ``json()`` and ``body()`` read it whole, within
the service's limit; ``stream()`` yields it as it arrives (uploads: archive
PUT, build contexts, image loads), decoded from chunked transfer by h11.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hutch.service.errors import ApiError, bad_request

# The API version a request without a /vX.Y prefix speaks.
API_VERSION = (1, 41)
MIN_API_VERSION = (1, 24)

# Reads the next piece of the body (b"" at its end).
BodyReader = Callable[[], bytes]


@dataclass
class Request:
    method: str
    path: str  # without the /vX.Y prefix and the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    version: tuple[int, int] = API_VERSION
    params: dict[str, str] = field(default_factory=dict)  # {name} parts of the route
    body_limit: int = 0
    read_body: BodyReader = field(default=lambda: b"", repr=False)
    consumed: bool = False
    # Set when the answer ended: a streamed answer's client went away, or the
    # stream is over. Engine waits that can be cancelled ask it (events, wait).
    gone: threading.Event = field(default_factory=threading.Event, repr=False)

    # -- query -----------------------------------------------------------------

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str, default: bool = False) -> bool:
        """Docker's boolean query values: 1/true/True, 0/false/False (or empty)."""
        value = self.arg(name)
        if value is None:
            return default
        if value.lower() in ("1", "true", "yes"):
            return True
        if value.lower() in ("0", "false", "no", ""):
            return False
        raise bad_request(f"invalid boolean value {value!r} for query parameter {name!r}")

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        value = self.arg(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"invalid value {value!r} for query parameter {name!r}") from None

    def filters(self) -> dict[str, list[str]]:
        """The ``filters`` parameter: ``{"key": ["v"]}`` or the older ``{"key": {"v": true}}``."""
        text = self.arg("filters")
        if not text:
            return {}
        try:
            raw = json.loads(text)
        except ValueError:
            raise bad_request(f"invalid filters: {text!r} is not JSON") from None
        if not isinstance(raw, dict):
            raise bad_request("invalid filters: expected a JSON object")
        out: dict[str, list[str]] = {}
        for key, value in raw.items():
            if isinstance(value, dict):
                out[str(key)] = [str(v) for v, on in value.items() if on]
            elif isinstance(value, list):
                out[str(key)] = [str(v) for v in value]
            else:
                out[str(key)] = [str(value)]
        return out

    def filter_args(self) -> tuple[str, ...]:
        """The filters as hutch's ``KEY=VALUE`` strings (what the CLI's --filter takes)."""
        return tuple(f"{k}={v}" for k, values in self.filters().items() for v in values)

    # -- body ------------------------------------------------------------------

    def stream(self) -> Iterator[bytes]:
        """The body as it arrives (no limit: the handler writes it where it belongs)."""
        self.consumed = True
        while True:
            data = self.read_body()
            if not data:
                return
            yield data

    def body(self) -> bytes:
        """The whole body; a larger one than the service's limit is refused (413)."""
        parts: list[bytes] = []
        size = 0
        for data in self.stream():
            size += len(data)
            if self.body_limit and size > self.body_limit:
                raise ApiError(413, f"request body too large: the limit is {self.body_limit} bytes")
            parts.append(data)
        return b"".join(parts)

    def json(self, *, required: bool = False) -> dict[str, Any]:
        """The body as a JSON object (an empty body is ``{}`` unless ``required``)."""
        data = self.body()
        if not data.strip():
            if required:
                raise bad_request("a JSON body is required")
            return {}
        try:
            value = json.loads(data)
        except ValueError as exc:
            raise bad_request(f"invalid JSON in the request body: {exc}") from None
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise bad_request("invalid JSON in the request body: expected an object")
        return value

    @property
    def wants_upgrade(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        return "upgrade" in connection and bool(self.headers.get("upgrade"))

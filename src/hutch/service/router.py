"""Routes: a method and a path pattern to a handler.

Patterns are Docker's paths without the version prefix: ``{id}`` matches one
segment, ``{name:path}`` the rest of the path (image names hold slashes:
``/images/{name:path}/json``). ``/vX.Y`` in front of a path selects the API
version (1.24 to 1.41); a path without it speaks 1.41. podman's few endpoints
hutch serves (``/libpod/_ping``, ``/libpod/build``) carry podman's version
(``/v4.3.1/libpod/build``), which is dropped.

A route's handler may be named instead of given (``"routes_images:push"``, a
module of ``hutch.service`` and its function): the module is imported when
one of its routes is first matched, so a service started by socket
activation answers its first ``/_ping`` without loading every family of
endpoints (and what they import from the engine's API).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hutch.service.errors import ApiError
from hutch.service.request import API_VERSION, MIN_API_VERSION

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext
    from hutch.service.reply import Answer
    from hutch.service.request import Request

Handler = Callable[["ServiceContext", "Request"], "Answer"]
PACKAGE = "hutch.service"

_PARAM = re.compile(r"\{(\w+)(:path)?\}")
_VERSION = re.compile(r"^/v(\d+)\.(\d+)(/.*)$")
# podman's API (podman --remote): /vMAJOR.MINOR[.PATCH]/libpod/..., its own versions
_LIBPOD = re.compile(r"^/v\d+(?:\.\d+){0,2}(/libpod/.*)$")


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler | str  # the function, or "MODULE:FUNCTION" to import on first use


def compile_pattern(pattern: str) -> re.Pattern[str]:
    out = []
    pos = 0
    for match in _PARAM.finditer(pattern):
        out.append(re.escape(pattern[pos : match.start()]))
        out.append(
            f"(?P<{match.group(1)}>.+)" if match.group(2) else f"(?P<{match.group(1)}>[^/]+)"
        )
        pos = match.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("^" + "".join(out) + "$")


def split_version(path: str) -> tuple[tuple[int, int], str]:
    """(API version, path without the prefix); a version outside 1.24..1.41 is a 400.
    A libpod path's version is podman's, not Docker's: it is dropped."""
    libpod = _LIBPOD.match(path)
    if libpod is not None:
        return API_VERSION, libpod.group(1)
    match = _VERSION.match(path)
    if match is None:
        return API_VERSION, path
    version = (int(match.group(1)), int(match.group(2)))
    if version < MIN_API_VERSION:
        raise ApiError(
            400,
            f"client version {version[0]}.{version[1]} is too old. Minimum supported "
            f"API version is {MIN_API_VERSION[0]}.{MIN_API_VERSION[1]}, please upgrade "
            "your client to a newer version",
        )
    if version > API_VERSION:
        raise ApiError(
            400,
            f"client version {version[0]}.{version[1]} is too new. Maximum supported "
            f"API version is {API_VERSION[0]}.{API_VERSION[1]}",
        )
    return version, match.group(3)


def load_handler(target: str) -> Handler:
    """``"MODULE:FUNCTION"`` (a module of hutch.service) as its function."""
    module_name, _, function_name = target.partition(":")
    module = importlib.import_module(f"{PACKAGE}.{module_name}")
    handler: Handler = getattr(module, function_name)
    return handler


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []
        # Connections match in threads of their own: two may load the same module
        # at once, which Python's import lock makes safe (both get one function).
        self._loaded: dict[str, Handler] = {}

    def add(self, method: str, pattern: str, handler: Handler | str) -> None:
        self._routes.append(Route(method, pattern, compile_pattern(pattern), handler))

    def get(self, pattern: str, handler: Handler | str) -> None:
        self.add("GET", pattern, handler)
        self.add("HEAD", pattern, handler)

    def post(self, pattern: str, handler: Handler | str) -> None:
        self.add("POST", pattern, handler)

    def put(self, pattern: str, handler: Handler | str) -> None:
        self.add("PUT", pattern, handler)

    def delete(self, pattern: str, handler: Handler | str) -> None:
        self.add("DELETE", pattern, handler)

    def routes(self) -> list[Route]:
        return list(self._routes)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler for ``path`` (no version prefix) and its parameters."""
        allowed = False
        for route in self._routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return self._handler(route.handler), found.groupdict()
            allowed = True
        if allowed:
            raise ApiError(405, f"method {method} not allowed on {path}")
        raise ApiError(404, "page not found")

    def _handler(self, handler: Handler | str) -> Handler:
        if not isinstance(handler, str):
            return handler
        loaded = self._loaded.get(handler)
        if loaded is None:
            loaded = self._loaded[handler] = load_handler(handler)
        return loaded

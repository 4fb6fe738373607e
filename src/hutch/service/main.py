"""``hutch system service``: listen, join the session, serve until idle."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from hutch.service import listen
from hutch.service.app import build_router
from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.server import serve
from hutch.service.sessions import Sessions

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def run_service(
    uri: str | None,
    idle_seconds: float,
    new_engine: Callable[[], Engine],
    version: str,
    log_requests: bool = False,
    close_engine: Callable[[Engine], None] | None = None,
    cors: str = "",
) -> None:
    activated = listen.activated_sockets()
    created: str | None = None
    if activated:
        listeners = activated
        if uri:
            print(f"WARN: socket activation: {uri} is ignored", file=sys.stderr)
    else:
        endpoint = listen.parse_uri(uri or listen.default_uri())
        if endpoint.scheme == "tcp":
            _warn_tcp(endpoint)
        listeners = [listen.listen(endpoint)]
        created = endpoint.path or None
    try:
        # Before any thread exists (context.py says why).
        first = new_engine()
        first.system.enter_session()
        if close_engine is not None:
            close_engine(first)
        ctx = ServiceContext(
            new_engine,
            ServiceConfig(version=version, log_requests=log_requests, cors=cors),
            Sessions(),
            close_engine,
        )
        serve(listeners, ctx, build_router(), idle_seconds, _release_code_cache)
    finally:
        for sock in listeners:
            _close(sock)
        if created:
            with contextlib.suppress(OSError):
                os.unlink(created)


def _release_code_cache() -> None:
    """Between requests, the dataclass code cache's file is not kept mapped: the
    pages the requests touched (about 2 MB) would count in the idle service's
    memory for as long as it runs (util/codecache.py, ``release``)."""
    import hutch

    if hutch.CODE_CACHE is not None:
        hutch.CODE_CACHE.release()


def _warn_tcp(endpoint: listen.Endpoint) -> None:
    print(
        f"WARN: the API on {endpoint} has no authentication or encryption: "
        "whoever can connect to it controls your containers and files",
        file=sys.stderr,
    )
    if not listen.is_loopback(endpoint.host):
        print(
            f"WARN: {endpoint.host} is not a loopback address: other machines can connect",
            file=sys.stderr,
        )


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()

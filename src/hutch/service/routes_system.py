"""System endpoints: /info, /system/df, /events, /auth (/_ping and /version: routes_ping)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from hutch.api.containers import ListContainersOptions
from hutch.api.events import EventsOptions
from hutch.api.images import LoginOptions
from hutch.api.volumes import VolumeListOptions
from hutch.service.background import registry_access
from hutch.service.context import ServiceContext
from hutch.service.docker.event_json import EVENT_FILTER_KEYS, EVENT_FILTER_VALUES, event_json
from hutch.service.docker.filters import filter_texts
from hutch.service.docker.jsonread import Body
from hutch.service.docker.system_json import info_json, system_df
from hutch.service.docker.timefmt import rfc3339
from hutch.service.errors import ApiError, bad_request
from hutch.service.reply import Reply, Stream, json_lines, json_reply
from hutch.service.request import Request


def info(ctx: ServiceContext, req: Request) -> Reply:
    return json_reply(info_json(ctx.engine().system.info(), rfc3339(time.time())))


def df(ctx: ServiceContext, req: Request) -> Reply:
    engine = ctx.engine()
    images = engine.images.ls()
    containers = engine.containers.ls(ListContainersOptions(all=True, size=True))
    volumes = engine.volumes.ls(VolumeListOptions())
    return json_reply(system_df(images, containers, volumes, time.time()))


def _unix_time(req: Request, name: str) -> str | None:
    """Docker sends ``SECONDS[.NANOS]``; hutch's events take whole unix seconds
    (or RFC 3339 and durations, passed on as they are)."""
    text = req.arg(name)
    if not text:
        return None
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def events(ctx: ServiceContext, req: Request) -> Stream:
    filters = filter_texts(req.filters(), EVENT_FILTER_KEYS, EVENT_FILTER_VALUES)
    # Without since, Docker streams the events from now on (the log holds older ones).
    since = _unix_time(req, "since") or f"{time.time():.6f}"  # now, not the second begun
    options = EventsOptions(
        filters=filters,
        since=since,
        until=_unix_time(req, "until"),
        cancelled=req.gone.is_set,
        docker=True,
    )
    # Checked here, before the status line: a bad filter or time is a 400.
    ctx.engine().system.events(
        EventsOptions(filters=filters, since=options.since, stream=False, docker=True)
    )

    def chunks() -> Iterator[bytes]:
        # The stream's own thread, with its own engine (http11.py says why).
        yield from json_lines(event_json(e) for e in ctx.engine().system.events(options))

    return Stream(chunks())


def auth(ctx: ServiceContext, req: Request) -> Reply:
    body = Body(req.json(required=True), "")
    username, password = body.text("username"), body.text("password")
    server = body.text("serveraddress") or "docker.io"
    server = server.removeprefix("https://").removeprefix("http://").rstrip("/")
    if server.endswith("/v1") or server.endswith("/v2"):
        server = server[:-3]
    if server in ("index.docker.io", "registry-1.docker.io"):
        server = "docker.io"
    if not username or not password:
        raise bad_request("username and password are required")
    access = registry_access(None, server)
    try:
        ctx.engine().images.login(
            LoginOptions(server, username=username, password=password, access=access)
        )
    except ApiError:
        raise
    except Exception as exc:
        raise ApiError(401, f"login to {server} failed: {exc}") from None
    return json_reply({"Status": "Login Succeeded", "IdentityToken": ""})

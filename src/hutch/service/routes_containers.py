"""Containers: list, create, inspect, the lifecycle verbs, wait, rename,
update, top, changes, prune and DELETE."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from hutch.api.containers import (
    InspectOptions,
    ListContainersOptions,
)
from hutch.service.actions import exits, inspect_one
from hutch.service.context import ServiceContext
from hutch.service.docker.container_json import (
    STATES,
    container_inspect,
    container_list_item,
    docker_state,
)
from hutch.service.docker.create_body import create_request, update_request
from hutch.service.docker.list_filters import take_docker_filters
from hutch.service.errors import ApiError, bad_request
from hutch.service.reply import Reply, Stream, json_reply, no_content
from hutch.service.request import Request

_NOT_MODIFIED = Reply(304, b"", content_type="")


def list_containers(ctx: ServiceContext, req: Request) -> Reply:
    engine = ctx.engine()
    limit = req.int_arg("limit")
    filters = req.filters()
    docker = take_docker_filters(filters)  # publish, expose, health=none: Docker's own
    # Docker's states, not podman's (ps's): matched here, on the State this list answers
    states = filters.pop("status", [])
    for state in states:
        if state not in STATES:
            raise bad_request(f"invalid filter 'status={state}'")
    last = limit if limit and limit > 0 else None
    options = ListContainersOptions(
        # a status filter looks at every container, as Docker's does
        all=req.flag("all") or last is not None or bool(states),
        # the limit counts the matches, taken below when the service filters too
        last=None if states or docker.active else last,
        filters=tuple(f"{k}={v}" for k, values in filters.items() for v in values),
        size=req.flag("size"),  # SizeRw and SizeRootFs, as `inspect --size` measures them
    )
    # one load of each container: ps's summary with inspect's network mode and endpoints
    listed = engine.containers.listing(options)
    listed.sort(key=lambda entry: -entry.summary.created)  # Docker's order: newest first
    if states:
        listed = [
            e for e in listed if docker_state(e.summary.status, e.summary.restarting) in states
        ]
    if docker.active:
        listed = [e for e in listed if docker.keeps(e)]
    if states or docker.active:
        listed = listed[:last] if last is not None else listed
    now = time.time()
    return json_reply([container_list_item(entry, now) for entry in listed])


def create(ctx: ServiceContext, req: Request) -> Reply:
    body = req.json(required=True)
    request = create_request(body, name=req.arg("name") or "", platform=req.arg("platform") or "")
    container_id = ctx.engine().containers.create(request.options)
    return json_reply({"Id": container_id, "Warnings": list(request.warnings)}, 201)


def inspect(ctx: ServiceContext, req: Request) -> Reply:
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    shaped = container_inspect(report)
    if req.flag("size"):
        # Docker's *int64 fields: present (0 too) when asked for
        (measured,) = engine.containers.inspect([report.id], InspectOptions(size=True))
        sizes = {"SizeRw": measured.size_rw or 0, "SizeRootFs": measured.size_root_fs or 0}
        at = list(shaped).index("Mounts") if "Mounts" in shaped else len(shaped)
        items = list(shaped.items())
        shaped = dict(items[:at] + list(sizes.items()) + items[at:])  # Docker's place
    return json_reply(shaped)


def start(ctx: ServiceContext, req: Request) -> Reply:
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    if report.state.running:
        return _NOT_MODIFIED
    pending = ctx.sessions.claim_attach(report.id)
    if pending is not None:
        # docker run attached first: the attach's thread starts the container
        # with its pipes, so that no output is lost (routes_attach.py).
        pending.go(req.arg("detachKeys"))
        pending.wait_started(engine)
        return no_content()
    ctx.client().containers.start(report.id)
    return no_content()


# The verbs on one container go through hutch.Client, as a script's do: its
# errors (NoSuchObject, Conflict) are Docker's 404 and 409 in errors.py.


def stop(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    report = containers.inspect(req.params["id"])
    if not report.state.running and not report.state.paused:
        return _NOT_MODIFIED
    containers.stop(report.id, timeout=req.int_arg("t"))
    return no_content()


def restart(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    containers.restart(containers.inspect(req.params["id"]).id, timeout=req.int_arg("t"))
    return no_content()


def kill(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    report = containers.inspect(req.params["id"])
    if not report.state.running:
        raise ApiError(409, f"Container {report.id} is not running")
    containers.kill(report.id, signal=req.arg("signal") or "KILL")
    return no_content()


def pause(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    containers.pause(containers.inspect(req.params["id"]).id)
    return no_content()


def unpause(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    containers.unpause(containers.inspect(req.params["id"]).id)
    return no_content()


def wait(ctx: ServiceContext, req: Request) -> Reply | Stream:
    """Docker's conditions: not-running (default), next-exit, removed.

    The status line goes out at once and the body when the condition is met,
    as Docker does: docker run waits for the answer's head before it starts
    the container. Exits are read from the event log (the monitor records
    each with its code), so an exit that happens while this request is on its
    way is not missed, and ``removed`` still knows the code of a container
    gone with --rm.
    """
    condition = req.arg("condition") or "not-running"
    if condition not in ("not-running", "next-exit", "removed"):
        raise bad_request(f"invalid condition {condition!r}: use not-running, next-exit or removed")
    engine = ctx.engine()
    asked = time.time_ns()
    report = inspect_one(engine, req.params["id"])
    status = report.state.status
    if condition == "not-running" and status not in ("running", "paused", "stopping"):
        return json_reply({"StatusCode": report.state.exit_code, "Error": None})
    # A created container's next exit is its first: any exit since its creation.
    since = 0 if status in ("created", "initialized") else asked
    container_id = report.id

    def body() -> Iterator[bytes]:
        code = report.state.exit_code
        for action, value in exits(ctx.engine(), container_id, since, req.gone.is_set):
            if action == "died":
                code = value
                if condition != "removed":
                    break
            elif condition == "removed":
                break
        yield json.dumps({"StatusCode": code, "Error": None}).encode() + b"\n"

    return Stream(body())


def rename(ctx: ServiceContext, req: Request) -> Reply:
    new_name = req.arg("name")
    if not new_name:
        raise bad_request("the new name is required (?name=NEW)")
    ctx.client().containers.rename(req.params["id"], new_name)
    return no_content()


def update(ctx: ServiceContext, req: Request) -> Reply:
    update_ = update_request(req.json(required=True))
    ctx.engine().containers.update(req.params["id"], update_.resources, update_.restart)
    return json_reply({"Warnings": list(update_.warnings)})


def top(ctx: ServiceContext, req: Request) -> Reply:
    from hutch.api.containers import without_ps_options

    descriptors = without_ps_options((req.arg("ps_args") or "").split())  # Docker's -ef, aux
    report = ctx.engine().containers.top(req.params["id"], descriptors)
    return json_reply({"Titles": list(report.headers), "Processes": [list(r) for r in report.rows]})


_CHANGE_KINDS = {"C": 0, "A": 1, "D": 2}


def changes(ctx: ServiceContext, req: Request) -> Reply:
    found = ctx.engine().containers.diff(req.params["id"])
    return json_reply([{"Path": c.path, "Kind": _CHANGE_KINDS.get(c.kind, 0)} for c in found])


def prune(ctx: ServiceContext, req: Request) -> Reply:
    """``filters``: until, label, label! (the engine's prune filters; a bad one is a 400)."""
    reports = ctx.engine().containers.prune(req.filter_args())
    return json_reply(
        {
            "ContainersDeleted": [r.id or r.name for r in reports if r.error is None] or None,
            "SpaceReclaimed": 0,
        }
    )


def remove(ctx: ServiceContext, req: Request) -> Reply:
    containers = ctx.client().containers
    report = containers.inspect(req.params["id"])
    force = req.flag("force")
    if report.state.running and not force:
        raise ApiError(
            409,
            f"You cannot remove a running container {report.id}. "
            "Stop the container before attempting removal or force remove",
        )
    # Docker's force kills (SIGKILL at once); it does not wait out a stop timeout.
    containers.remove(report.id, force=force, volumes=req.flag("v"), timeout=0 if force else None)
    return no_content()


def resize(ctx: ServiceContext, req: Request) -> Reply:
    rows, cols = req.int_arg("h", 0) or 0, req.int_arg("w", 0) or 0
    engine = ctx.engine()
    report = inspect_one(engine, req.params["id"])
    if not report.state.running:
        raise ApiError(409, f"Container {report.id} is not running")
    engine.containers.resize(report.id, rows, cols)
    return Reply(200, b"", content_type="text/plain; charset=utf-8")

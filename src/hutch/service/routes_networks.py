"""Network endpoints: list, inspect, create, connect, disconnect, delete, prune.

Docker's three predefined networks are answered from
``docker/network_json.predefined`` (``bridge`` is hutch's private network),
so clients that look for them find them; they cannot be changed (a connect
to ``bridge`` is the engine's, which knows the default network).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hutch.api.networks import NetworkRemoveOptions
from hutch.service.docker.network_json import (
    PREDEFINED,
    network_connect_options,
    network_create_options,
    network_disconnect_options,
    network_json,
    network_prune,
    predefined,
)
from hutch.service.errors import ApiError, bad_request
from hutch.service.reply import Reply, json_reply
from hutch.service.request import Request

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext

_ENGINE_KEYS = ("name", "id", "driver", "label", "until")


def _predefined_match(name: str, filters: dict[str, list[str]]) -> bool:
    for key, values in filters.items():
        if key in ("name", "id") and not any(v in name for v in values):
            return False
        if key == "driver" and predefined(name)["Driver"] not in values:
            return False
        if key in ("label", "until"):
            return False
    return True


def list_networks(ctx: ServiceContext, req: Request) -> Reply:
    filters = req.filters()
    kinds = set(filters.pop("type", ["custom", "builtin"]))
    filters.pop("dangling", None)  # every user network counts as used or not: no filter
    unknown = set(filters) - set(_ENGINE_KEYS)
    if unknown or not kinds <= {"custom", "builtin"}:
        raise bad_request(
            f"invalid filter {sorted(unknown or kinds)[0]!r}: use name, id, driver, label, "
            "until or type=custom|builtin"
        )
    out = []
    if "builtin" in kinds:
        out += [predefined(n) for n in PREDEFINED if _predefined_match(n, filters)]
    if "custom" in kinds:
        texts = tuple(f"{k}={v}" for k, values in filters.items() for v in values)
        out += [network_json(n) for n in ctx.engine().networks.ls(texts)]
    return json_reply(out)


def _found(ctx: ServiceContext, name: str) -> None:
    if not ctx.engine().networks.exists(name):
        raise ApiError(404, f"network {name} not found")


def _changeable(name: str) -> None:
    if name in PREDEFINED:
        raise ApiError(403, f"{name} is a pre-defined network and cannot be modified")


def inspect_network(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["id"]
    if name in PREDEFINED:
        return json_reply(predefined(name))
    _found(ctx, name)
    return json_reply(network_json(ctx.engine().networks.inspect([name])[0]))


def create_network(ctx: ServiceContext, req: Request) -> Reply:
    request = network_create_options(req.json(required=True))
    options = request.options
    assert options.name is not None
    if ctx.engine().networks.exists(options.name):
        raise ApiError(409, f"network with name {options.name} already exists")
    network = ctx.engine().networks.create(options)
    return json_reply({"Id": network.id, "Warning": request.warning}, status=201)


def connect(ctx: ServiceContext, req: Request) -> Reply:
    """``bridge`` is the engine's default network (``network connect bridge`` as the
    CLI takes it): a container on it is already connected (409, as podman's API
    refuses it), one on user networks cannot add it (400)."""
    name = req.params["id"]
    if name != "bridge":
        _changeable(name)
        _found(ctx, name)
    ctx.engine().networks.connect(network_connect_options(name, req.json(required=True)))
    return Reply(200, b"", content_type="")


def disconnect(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["id"]
    _changeable(name)
    _found(ctx, name)
    ctx.engine().networks.disconnect(name, network_disconnect_options(req.json(required=True)))
    return Reply(200, b"", content_type="")


def delete(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["id"]
    _changeable(name)
    _found(ctx, name)
    for report in ctx.engine().networks.remove([name], NetworkRemoveOptions()):
        if report.error:
            raise ApiError(409, report.error)
    return Reply(204, b"", content_type="")


def prune(ctx: ServiceContext, req: Request) -> Reply:
    reports = ctx.engine().networks.prune(req.filter_args())
    return json_reply(network_prune([r.id for r in reports if r.error is None]))

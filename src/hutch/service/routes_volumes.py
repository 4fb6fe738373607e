"""Volume endpoints: list, create, inspect, delete, prune."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hutch.api.volumes import VolumeListOptions, VolumeRemoveOptions
from hutch.service.docker.volume_json import (
    volume_create_options,
    volume_json,
    volume_list,
    volume_prune,
)
from hutch.service.errors import ApiError
from hutch.service.reply import Reply, json_reply
from hutch.service.request import Request

if TYPE_CHECKING:
    from hutch.service.context import ServiceContext


def list_volumes(ctx: ServiceContext, req: Request) -> Reply:
    volumes = ctx.engine().volumes.ls(VolumeListOptions(filters=req.filter_args()))
    return json_reply(volume_list(volumes))


def create_volume(ctx: ServiceContext, req: Request) -> Reply:
    engine = ctx.engine()
    name = engine.volumes.create(volume_create_options(req.json()))
    return json_reply(volume_json(engine.volumes.inspect([name], False)[0]), status=201)


def _found(ctx: ServiceContext, name: str) -> None:
    if not ctx.engine().volumes.exists(name):
        raise ApiError(404, f"get {name}: no such volume")


def inspect_volume(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["name"]
    _found(ctx, name)
    return json_reply(volume_json(ctx.engine().volumes.inspect([name], False)[0]))


def delete(ctx: ServiceContext, req: Request) -> Reply:
    name = req.params["name"]
    _found(ctx, name)
    options = VolumeRemoveOptions(force=req.flag("force"))
    for report in ctx.engine().volumes.remove([name], options):
        if report.error:
            raise ApiError(409, report.error)
    return Reply(204, b"", content_type="")


def prune(ctx: ServiceContext, req: Request) -> Reply:
    filters = req.filters()
    # Docker 23's "all" (named volumes too) is hutch's only behaviour: every unused one.
    filters.pop("all", None)
    texts = tuple(f"{k}={v}" for k, values in filters.items() for v in values)
    return json_reply(volume_prune(ctx.engine().volumes.prune(texts)))

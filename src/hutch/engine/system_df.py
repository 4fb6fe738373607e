"""``system df``: the bytes images, containers and volumes take, and what a prune frees.

Image sizes count each layer once: a layer two images share is the
``shared_size`` of both, and the Images line's size and reclaimable bytes
count it once (podman's own note says its image figure can be too high with
shared layers; this one is not).
"""

from __future__ import annotations

from collections import Counter

from hutch.api.containers import ListContainersOptions
from hutch.api.system import (
    ContainerUsage,
    DiskUsage,
    DiskUsageReport,
    ImageUsage,
    VolumeUsage,
)
from hutch.engine.container_filters import tree_size
from hutch.engine.context import EngineContext
from hutch.engine.image_list import image_created


def disk_usage(ctx: EngineContext) -> DiskUsageReport:
    ctx.enter_session()  # container files may belong to subordinate ids
    from hutch.engine.container_query import ContainerQueries

    containers = ContainerQueries(ctx).ls(ListContainersOptions(all=True, size=True))
    images = _images(ctx, Counter(c.image_id for c in containers))
    volumes = [
        VolumeUsage(
            v.name, len(ctx.volumes.users(v.name)), tree_size(str(ctx.volumes.data_dir(v.name)))
        )
        for v in ctx.volumes.all()
    ]
    container_usage = tuple(
        ContainerUsage(
            c.id,
            c.image_id,
            c.command,
            sum(1 for m in c.mounts if m[0]),
            c.size or 0,
            c.created,
            c.status,
            c.name,
        )
        for c in containers
    )
    layer_sizes = ctx.images.layer_sizes()
    in_use = {c.image_id for c in containers}
    used_layers = {d for i in ctx.images.all() if i.id in in_use for d in i.diff_ids}
    running = [c for c in container_usage if c.status in ("running", "paused", "stopping")]
    summary = (
        DiskUsage(
            "Images",
            len(images),
            sum(1 for i in images if i.containers),
            sum(layer_sizes.values()),
            sum(size for d, size in layer_sizes.items() if d not in used_layers),
        ),
        DiskUsage(
            "Containers",
            len(container_usage),
            len(running),
            sum(c.size for c in container_usage),
            sum(c.size for c in container_usage if c not in running),
        ),
        DiskUsage(
            "Local Volumes",
            len(volumes),
            sum(1 for v in volumes if v.links),
            sum(v.size for v in volumes),
            sum(v.size for v in volumes if not v.links),
        ),
    )
    return DiskUsageReport(summary, tuple(images), container_usage, tuple(volumes))


def _images(ctx: EngineContext, users: Counter[str]) -> list[ImageUsage]:
    sizes = ctx.images.layer_sizes()
    records = ctx.images.all()
    sharing = Counter(d for r in records for d in set(r.diff_ids))
    out = []
    for r in records:
        layers = set(r.diff_ids)
        shared = sum(sizes.get(d, 0) for d in layers if sharing[d] > 1)
        total = sum(sizes.get(d, 0) for d in layers)
        out.append(
            ImageUsage(r.id, r.names, image_created(r), total, shared, total - shared, users[r.id])
        )
    return out

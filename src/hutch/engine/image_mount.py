"""``image mount`` / ``image unmount``: an image's file system, read-only, at a path.

As in podman, a rootless user mounts only inside the session namespace
(``hutch unshare``): the layers belong to its ids, and a mount made by a
hutch process that joined the namespace on its own would vanish with that
process's mount namespace. Under ``hutch unshare`` the mount lives in the
unshare command's mount namespace, so the shell and its children see it.
One layer is bind-mounted read-only; more are a read-only overlay of them
(no upper directory).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from hutch.api.errors import NeedsUnshare
from hutch.api.images import ImageMount
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.linux import syscalls as sc


def mounts_dir(ctx: EngineContext) -> Path:
    return ctx.paths.storage / "image-mounts"


def require_session(ctx: EngineContext, verb: str) -> None:
    """podman's refusal outside ``unshare`` when rootless."""
    from hutch.runtime.session import Session

    if not Session(ctx.paths).inside():
        raise NeedsUnshare(verb)


def mounted(ctx: EngineContext) -> dict[str, str]:
    """Image id -> mount point, for the images mounted in this mount namespace."""
    base = str(mounts_dir(ctx)) + "/"
    out: dict[str, str] = {}
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            point = line.split()[4].replace("\\040", " ")
            if point.startswith(base) and "/" not in point[len(base) :]:
                out[point[len(base) :]] = point
    return out


def mounted_images(ctx: EngineContext) -> list[ImageMount]:
    """The images mounted here, as ``image mount`` without names lists them."""
    require_session(ctx, "image mount")
    ctx.enter_session()
    out = []
    for image_id, point in sorted(mounted(ctx).items()):
        record = ctx.images.get(image_id)
        names = record.names if record is not None else ()
        out.append(ImageMount(image_id, names, point))
    return out


def mount(ctx: EngineContext, names: Sequence[str]) -> list[str]:
    """Mount each image (again: its mount point) and answer the mount points."""
    require_session(ctx, "image mount")
    ctx.enter_session()
    # all found before any mount; no names: every image (podman's --all)
    images = [find_image(ctx.images, n) for n in names] if names else ctx.images.all()
    done = mounted(ctx)
    points = []
    for image in images:
        point = done.get(image.id)
        if point is None:
            point = str(mounts_dir(ctx) / image.id)
            os.makedirs(point, mode=0o700, exist_ok=True)
            lowers = [str(ctx.layers.layer_dir(d)) for d in reversed(image.diff_ids)]
            _mount_read_only(lowers, point)
            done[image.id] = point
        points.append(point)
    return points


def _mount_read_only(lowers: list[str], point: str) -> None:
    if len(lowers) == 1:
        sc.mount(lowers[0], point, None, sc.MS_BIND)
        sc.mount(None, point, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY)
    else:
        data = f"lowerdir={':'.join(lowers)},userxattr"
        sc.mount("overlay", point, "overlay", sc.MS_RDONLY, data)


def unmount(ctx: EngineContext, names: Sequence[str], all_: bool, force: bool) -> list[str]:
    """Unmount the images; answer the ids of those that were mounted (podman passes
    over one that is not, silently). ``force`` is podman's (no use count here).

    Outside ``hutch unshare`` too, as podman's unmount needs no unshare: the
    caller's mount namespace then holds none of our mounts (each ``hutch
    unshare`` has its own, gone with it), so the names are only checked."""
    del force  # hutch keeps no mount count: one unmount ends the mount
    ctx.enter_session()
    done = mounted(ctx)
    if all_:
        ids = sorted(done)
    else:
        found = [find_image(ctx.images, n).id for n in names]  # all found before any unmount
        ids = [image_id for image_id in dict.fromkeys(found) if image_id in done]
    for image_id in ids:
        sc.umount2(done[image_id], sc.MNT_DETACH)
        os.rmdir(done[image_id])
    return ids

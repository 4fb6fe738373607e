"""Image volumes (podman's ``image`` volume driver): an image's root filesystem,
writable, with the changes kept in the volume.

The volume's directory holds ``image`` (the id of the image it was made
from: a tag moved later does not change the volume, as in podman), ``_data``
(the overlay's upper dir, so ``volume export`` and ``volume mount`` show the
changes) and ``work`` (the overlay's work dir). A container mounts it as a
native overlay of the image's layer dirs, made by the container's init with
its other mounts (runtime/mounts.py). fuse-overlayfs and vfs stores are
refused: the first would need a FUSE helper per volume beside the monitor,
the second has no layer dirs to stack.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hutch.api.errors import ImageInUse, InvalidArgument, NoSuchObject
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.runtime.spec import IMAGE_ID, SUBPATH, Mount
from hutch.store.images import ImageRecord
from hutch.volumes.image_driver import DRIVER

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# annotations only: ``create`` reads overlay_lowers here for every container, and
# the volume store loads with ctx.volumes where a volume is used, the mount flags'
# parser (volumes/specs.py) where a mount is asked for (issue 16)
if TYPE_CHECKING:
    from hutch.store.volumes import VolumeRecord
    from hutch.volumes.specs import MountRequest


def overlay_lowers(image: ImageRecord) -> tuple[str, ...]:
    """The image's layer dirs, top first, relative to the layer store (the mount data
    stays under the kernel's one-page limit for images with many layers)."""
    return tuple(f"{d.split(':', 1)[1]}/diff" for d in reversed(image.diff_ids))


def check_driver(ctx: EngineContext) -> None:
    driver = ctx.driver.name
    if driver != "overlay":
        raise InvalidArgument(
            f"image volumes need the native overlay storage driver; this store uses {driver}"
        )


def image_of(ctx: EngineContext, text: str) -> ImageRecord:
    """The local image ``text`` names, in podman's words when there is none."""
    try:
        return find_image(ctx.images, text)
    except NoSuchObject:
        raise NoSuchObject(
            f"looking up image {text} to create volume failed: {text}: image not known"
        ) from None


def image_of_mount(ctx: EngineContext, request: MountRequest) -> ImageRecord:
    """The local image of ``--mount type=image`` (podman's words when there is none;
    hutch looks before the container exists, podman when it starts)."""
    try:
        return find_image(ctx.images, request.source)
    except NoSuchObject:
        raise NoSuchObject(
            f'creating image volume "{request.source}":"{request.destination}": '
            f"{request.source}: image not known"
        ) from None


def record_image(ctx: EngineContext, name: str, image: ImageRecord) -> None:
    """Keep the image's id in the new volume's directory and make its work dir."""
    directory = ctx.volumes.directory(name)
    (directory / "work").mkdir(mode=0o700, exist_ok=True)
    (directory / "image").write_text(image.id + "\n")
    # the overlay's root shows its upper dir's mode: the image's, as podman's
    os.chmod(ctx.volumes.data_dir(name), ctx.layers.image_root_mode(image.diff_ids))


def _image_id(ctx: EngineContext, volume: VolumeRecord) -> str:
    try:
        return (ctx.volumes.directory(volume.name) / "image").read_text().strip()
    except FileNotFoundError:
        return ""


def image_volume_mount(
    ctx: EngineContext, volume: VolumeRecord, destination: str, readonly: bool
) -> Mount:
    """The overlay a container mounts for ``volume`` at ``destination``."""
    check_driver(ctx)
    image_id = _image_id(ctx, volume)
    image = ctx.images.get(image_id) if image_id else None
    if image is None:
        raise NoSuchObject(
            f"volume {volume.name}: its image {image_id[:12] or '(unknown)'} is gone "
            "(removed with rmi --force): remove the volume and create it again"
        )
    directory = ctx.volumes.directory(volume.name)
    upper = (ctx.volumes.data_dir(volume.name), directory / "work")
    return _overlay(ctx, image, destination, directory / "empty", upper, readonly)


def image_mount(ctx: EngineContext, container_id: str, index: int, request: MountRequest) -> Mount:
    """``--mount type=image``: the image read-only, or with ``rw=true`` writable with
    the changes in the container's directory (gone with the container, as in podman).

    The container is linked to the image (rmi refuses it); the overlay names the
    image's id (checked by ``refuse_removed`` before each start) and the
    ``subpath`` the init narrows it to. Each container mounts the layers itself
    (docs/architecture.md says why none are shared)."""
    check_driver(ctx)
    image = image_of_mount(ctx, request)
    ctx.images.link_mount(container_id, image.id)
    base = ctx.containers.dirs(container_id).root / "image-mounts"
    upper = None
    if not request.readonly:
        upper = (base / str(index) / "upper", base / str(index) / "work")
        for d in upper:
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(upper[0], ctx.layers.image_root_mode(image.diff_ids))  # as record_image's
    empty = base / str(index) / "empty"  # its mode is its image's (_overlay)
    mount = _overlay(ctx, image, request.destination, empty, upper, request.readonly)
    extra: tuple[str, ...] = (f"{IMAGE_ID}={image.id}",)
    if request.subpath:
        extra += (f"{SUBPATH}={request.subpath}",)
    return replace(mount, options=mount.options + extra)


def mounted_image_ids(bundle: Path) -> list[str]:
    """The ids of the images the container's spec (its config.json) mounts."""
    try:
        mounts = json.loads((bundle / "config.json").read_bytes()).get("mounts", [])
    except (OSError, ValueError):
        return []
    prefix = IMAGE_ID + "="
    return [
        option[len(prefix) :]
        for mount in mounts
        for option in mount.get("options", ())
        if option.startswith(prefix)
    ]


def link_listed_mounts(ctx: EngineContext) -> None:
    """Link the containers the store lists as made before it linked ``--mount
    type=image`` (store/db.py, version 16) to the images their spec mounts, so that
    ``rmi`` refuses those images as it does for a container made today. An image
    already gone (``rmi --force``) is not linked; a container's next start says so."""
    for container_id in ctx.images.unlinked_mounts():
        for image_id in mounted_image_ids(ctx.containers.dirs(container_id).userdata):
            with contextlib.suppress(NoSuchObject):
                ctx.images.link_mount(container_id, image_id)
        ctx.images.mounts_linked(container_id)


def refuse_removed(ctx: EngineContext, bundle: Path, mounts: Sequence[MountRecord]) -> None:
    """Before a start: an image the container mounts that was removed (``rmi --force``,
    which leaves the container, as podman's) fails the start in podman's words,
    naming the image as given."""
    for image_id in mounted_image_ids(bundle):
        if ctx.images.get(image_id) is not None:
            continue
        for record in mounts:
            if record.kind == "image":
                from hutch.volumes.specs import MountRequest

                image_of_mount(ctx, MountRequest("image", record.destination, record.source))
        raise NoSuchObject(
            f"the image {image_id[:12]} of a --mount type=image of this container was removed "
            "(rmi --force): remove the container and create it again"
        )


def _overlay(
    ctx: EngineContext,
    image: ImageRecord,
    destination: str,
    empty: Path,
    upper: tuple[Path, Path] | None,
    readonly: bool,
) -> Mount:
    """The overlay of ``image``'s layers at ``destination``; ``upper`` (upper and work
    dirs) makes it writable. Without one, overlay wants two lower dirs: an empty one
    goes on top (it also stands for the layers of an image that has none), made with
    the image's root mode, as overlayfs shows the root with the topmost dir's."""
    lowers = overlay_lowers(image)
    if upper is None or not lowers:
        empty.mkdir(parents=True, exist_ok=True)
        os.chmod(empty, ctx.layers.image_root_mode(image.diff_ids))
        lowers = (str(empty), *lowers)
    options = [f"lowerdir={':'.join(lowers)}"]
    if upper is not None:
        options += [f"upperdir={upper[0]}", f"workdir={upper[1]}"]
    options += ["userxattr", *(["ro"] if readonly else [])]
    return Mount("overlay", destination, str(ctx.paths.layers), tuple(options))


def volume_images(ctx: EngineContext) -> dict[str, str]:
    """Each image volume's image id, by volume name."""
    return {v.name: _image_id(ctx, v) for v in ctx.volumes.all() if v.driver == DRIVER}


def volumes_on_image(ctx: EngineContext, image_id: str) -> list[str]:
    """The image volumes made from the image ``image_id``."""
    return [name for name, used in volume_images(ctx).items() if used == image_id]


def refuse_if_used(ctx: EngineContext, image_id: str) -> None:
    """``rmi`` without ``--force`` of an image a volume stands on: podman's words and
    status (it names the volume's storage container; hutch names the volume)."""
    users = volumes_on_image(ctx, image_id)
    if users:
        raise ImageInUse(
            f"image used by {users[0]}: image is in use by a container: consider listing "
            "external containers and force-removing image"
        )

"""A container's mounts: those of a new container, checked then made, and its
anonymous volumes when it goes.

``plan_mounts`` turns the mount flags of run/create (and the image's ``VOLUME``
paths) into a checked list of requests without touching anything, so that bad input
is refused before the container exists; ``attach_mounts`` then creates the volumes it
needs, links them to the container and returns the runtime mounts and the records
kept in the container's config (``inspect`` ``.Mounts``). A new volume is filled from
the image at the container's first start, as podman does
(``engine/volume_firstmount.py``).

Apart from the ``volume`` verbs (engine/volumes.py) because every ``create`` and
``run`` calls these two, most with no mount at all: the verbs' classes, filters and
copy-up code were about 4 ms of ``hutch create``'s start (issue 16).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType

from hutch.api.container_config import VolumeOptions
from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.runtime.spec import Mount
from hutch.store.layers import remove_tree
from hutch.util.ids import new_id
from hutch.volumes import image_driver

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from hutch.config.container_defaults import ContainerDefaults
    from hutch.store.volumes import VolumeRecord  # loaded with ctx.volumes, if a mount needs it
    from hutch.volumes.specs import MountRequest


def _specs() -> ModuleType:
    """volumes/specs.py, the mount flags' parser, imported where a mount is asked for:
    a container without one (create's and run's usual case) never needs it (issue 16)."""
    from hutch.volumes import specs

    return specs


def plan_mounts(
    ctx: EngineContext, options: VolumeOptions, image_volumes: Sequence[str]
) -> list[MountRequest]:
    """Parse and check every mount flag; nothing is created here."""
    explicit = [_specs().parse_volume(t) for t in options.volumes]
    explicit += [_specs().parse_mount(t) for t in options.mounts]
    explicit += [_specs().parse_tmpfs(t) for t in options.tmpfs]
    seen: set[str] = set()
    for request in explicit:
        if request.destination in seen:
            raise InvalidArgument(f"{request.destination}: duplicate mount destination")
        seen.add(request.destination)
    requests = [_checked(ctx, r) for r in explicit]
    for text in options.volumes_from:
        for request in _volumes_from(ctx, text):
            if request.destination not in seen:
                seen.add(request.destination)
                requests.append(request)
    mode = image_volume_mode(options.image_volume, ctx.settings.defaults)
    for path in image_volumes if mode != "ignore" else ():
        dest = _specs().container_path(path)
        if dest not in seen:
            seen.add(dest)
            # tmpfs: podman's options for it (exec, nothing copied up from the image)
            tmpfs = _specs().parse_tmpfs(f"{dest}:rw,exec,nosuid,nodev,notmpcopyup")
            requests.append(tmpfs if mode == "tmpfs" else _specs().parse_volume(dest))
    # Parents before children: /data is mounted before /data/cache.
    return sorted(requests, key=lambda r: r.destination.rstrip("/").count("/"))


IMAGE_VOLUME_MODES = ("bind", "tmpfs", "ignore")


def image_volume_mode(flag: str | None, defaults: ContainerDefaults | None) -> str:
    """--image-volume, else [engine] image_volume_mode, else bind (podman's default)."""
    mode = flag or (defaults.image_volume_mode if defaults else "") or "bind"
    if mode not in IMAGE_VOLUME_MODES:
        # podman's words
        raise InvalidArgument(
            f'invalid image volume mode "{mode}" required value: {", ".join(IMAGE_VOLUME_MODES)}'
        )
    return mode


def _checked(ctx: EngineContext, request: MountRequest) -> MountRequest:
    if request.kind == "bind":
        source = os.path.abspath(request.source)
        if not os.path.exists(source):
            # podman's words (the host path of a bind mount must exist)
            raise InvalidArgument(f"statfs {source}: no such file or directory")
        return replace(request, source=source)
    if request.kind == "image":
        from hutch.engine.image_volumes import check_driver, image_of_mount

        check_driver(ctx)
        image_of_mount(ctx, request)
    if request.kind == "volume" and request.volume_options:
        if request.source and ctx.volumes.get(request.source) is not None:
            raise InvalidArgument(
                f"volume {request.source} exists: volume-opt applies only to a new one"
            )
        _specs().parse_volume_create_options(request.volume_options)
    return request


def _volumes_from(ctx: EngineContext, text: str) -> list[MountRequest]:
    name, readonly = _specs().parse_volumes_from(text)
    try:
        record = cs.find(ctx, name)
    except NoSuchObject as exc:  # podman's words
        raise NoSuchObject(f'looking up container "{name}" for volumes-from: {exc}') from None
    out = []
    for item in cs.config_of(record).mounts:
        if item.kind not in ("bind", "volume"):
            continue
        out.append(
            _specs().MountRequest(
                item.kind,
                item.destination,
                item.name if item.kind == "volume" else item.source,
                readonly=item.readonly if readonly is None else readonly,
                options=item.options,
                chown=False,
                copy_up=False,
                subpath=item.subpath,
            )
        )
    return out


def attach_mounts(
    ctx: EngineContext, container_id: str, requests: Sequence[MountRequest]
) -> tuple[tuple[Mount, ...], tuple[MountRecord, ...]]:
    """Create what the requests need; return runtime mounts and the records to keep."""
    mounts: list[Mount] = []
    records: list[MountRecord] = []
    for index, request in enumerate(requests):
        ro = ("ro",) if request.readonly else ()
        if request.kind == "image":
            from hutch.engine.image_volumes import image_mount

            mounts.append(image_mount(ctx, container_id, index, request))
            records.append(
                MountRecord(
                    "image",
                    request.destination,
                    request.source,
                    readonly=request.readonly,
                    subpath=request.subpath,
                )
            )
            continue
        if request.kind != "volume":
            source = request.source or request.kind
            # the runtime copies the image's directory into the tmpfs (podman's default)
            copy = ("tmpcopyup",) if request.kind == "tmpfs" and request.copy_up else ()
            mounts.append(
                Mount(
                    request.kind,
                    request.destination,
                    source,
                    _specs().runtime_options(request.options) + ro + copy,
                    request.chown,
                )
            )
            record = MountRecord(
                request.kind,
                request.destination,
                request.source,
                readonly=request.readonly,
                options=request.options,
                chown=request.chown,
            )
            records.append(record)
            continue
        volume = _volume_for(ctx, container_id, request)
        mount = volume_mount(ctx, volume, request)
        mounts.append(mount)
        # an image volume's overlay: its changes (_data) are what inspect names
        source = str(ctx.volumes.data_dir(volume.name)) if mount.kind == "overlay" else mount.source
        record = MountRecord(
            "volume",
            request.destination,
            source,
            name=volume.name,
            readonly=request.readonly,
            options=request.options,
            chown=request.chown,
            driver=volume.driver,
            subpath=request.subpath,
        )
        records.append(record)
    return tuple(mounts), tuple(records)


def _volume_for(ctx: EngineContext, container_id: str, request: MountRequest) -> VolumeRecord:
    store = ctx.volumes
    volume = store.get(request.source) if request.source else None
    if volume is None:
        options = _specs().parse_volume_create_options(request.volume_options)
        volume = make_volume(ctx, request.source or new_id(), options, anonymous=not request.source)
    # Linked at once: a failure later in create removes an anonymous volume with it.
    store.link(container_id, [(volume.name, request.destination)])
    return volume


def make_volume(
    ctx: EngineContext,
    name: str,
    options: tuple[tuple[str, str], ...],
    *,
    driver: str = "local",
    labels: tuple[tuple[str, str], ...] = (),
    anonymous: bool = False,
    given_owner: tuple[int | None, int | None] = (None, None),
) -> VolumeRecord:
    """Record and make a volume; a plain one with ``o=uid=N,gid=N`` or ``given_owner``
    (``--uid``/``--gid``) has its directory owned by the container's ids N (chown
    inside the session user namespace)."""
    owner = _specs().volume_owner(options, given_owner)
    given = dict(options)
    plain = "device" not in given and given.get("type") != "tmpfs"
    volume = ctx.volumes.create(
        name,
        driver=driver,
        labels=labels,
        options=options,
        anonymous=anonymous,
        needs_chown=plain and owner is None,  # o=uid=,gid= chose the owner already
    )
    if given_owner != (None, None):
        ctx.volumes.set_owner(name, *given_owner)
    if owner is not None and plain:
        try:
            os.chown(ctx.volumes.data_dir(name), *owner)
        except OSError as exc:
            delete_volume(ctx, name, event=False)
            raise InvalidArgument(
                f"cannot give volume {name} to uid {owner[0]}, gid {owner[1]}: {exc.strerror} "
                "(the ids must be mapped in the user namespace: see /etc/subuid)"
            ) from None
    engine_events.volume_event(ctx, "create", name, labels)  # named and anonymous, as podman
    return volume


def volume_mount(ctx: EngineContext, volume: VolumeRecord, request: MountRequest) -> Mount:
    """The runtime mount of a volume: its _data dir, or a tmpfs, or a bound device, or
    an image volume's overlay."""
    if volume.driver == image_driver.DRIVER:
        from hutch.engine.image_volumes import image_volume_mount
        from hutch.runtime.spec import SUBPATH

        mount = image_volume_mount(ctx, volume, request.destination, request.readonly)
        # narrowed by the init as an image mount's subpath= is
        subpath = (f"{SUBPATH}={request.subpath}",) if request.subpath else ()
        return replace(mount, options=mount.options + subpath)
    store = ctx.volumes
    opts = dict(volume.options)
    ro = ("ro",) if request.readonly else ()
    options = _specs().runtime_options(request.options)
    extra = tuple(o for o in opts.get("o", "").split(",") if o and o not in ("bind", "rbind"))
    if opts.get("type") == "tmpfs":
        if request.subpath:
            raise InvalidArgument(
                f"volume {volume.name} is a tmpfs, new at each start: it has no subpath "
                f"{request.subpath!r} to mount"
            )
        flags = tuple(o for o in options if o in ("nosuid", "nodev", "noexec"))
        return Mount("tmpfs", request.destination, "tmpfs", flags + extra + ro)
    source = opts.get("device") or str(store.data_dir(volume.name))
    return Mount(
        "bind",
        request.destination,
        source,
        options + ro,
        request.chown,
        subpath=request.subpath,
    )


def release_anonymous(ctx: EngineContext, container_id: str) -> list[str]:
    """The anonymous volumes the container mounts (ask before its record goes)."""
    out = []
    for name in ctx.volumes.volumes_of(container_id):
        volume = ctx.volumes.get(name)
        if volume is not None and volume.anonymous:
            out.append(name)
    return out


def remove_unused(ctx: EngineContext, names: Sequence[str]) -> None:
    """Remove those of ``names`` that no container mounts any more."""
    for name in names:
        if ctx.volumes.users(name):
            continue
        try:
            delete_volume(ctx, name)
        except HutchError as exc:
            print(f"WARN: removing volume {name}: {exc}", file=sys.stderr)


def delete_volume(ctx: EngineContext, name: str, *, event: bool = True) -> None:
    """Remove the volume's record and files (``event``: podman's "remove" event; not
    for a volume whose creation failed half way, which never had its "create")."""
    volume = ctx.volumes.get(name) if event else None
    ctx.volumes.delete(name)
    if event:
        engine_events.volume_event(ctx, "remove", name, volume.labels if volume else ())
    directory = ctx.volumes.directory(name)
    if directory.exists():
        remove_tree(directory)

"""Volumes: the ``volume`` verbs, and the mounts of a new container.

``plan_mounts`` turns the mount flags of run/create (and the image's
``VOLUME`` paths) into a checked list of requests without touching
anything, so that bad input is refused before the container exists;
``attach_mounts`` then creates the volumes it needs, links them to the
container and returns the runtime mounts and the records kept in the
container's config (``inspect`` ``.Mounts``). A new volume is filled from the
image at the container's first start, as podman does
(``engine/volume_firstmount.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import BinaryIO

from hutch.api.common import PruneReport
from hutch.api.container_config import VolumeOptions
from hutch.api.containers import ActionReport, InspectMount
from hutch.api.errors import Conflict, HutchError, InvalidArgument, NoSuchObject
from hutch.api.volumes import (
    VolumeCreateOptions,
    VolumeListOptions,
    VolumeRemoveOptions,
    VolumeSummary,
)
from hutch.engine import container_state as cs
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.runtime.spec import Mount
from hutch.store.layers import remove_tree
from hutch.store.volumes import VolumeRecord
from hutch.util.ids import new_id
from hutch.volumes import image_driver, specs
from hutch.volumes.filters import VolumeFilters, parse_volume_filters
from hutch.volumes.specs import MountRequest

# -- the mounts of a new container ----------------------------------------------------


def plan_mounts(
    ctx: EngineContext, options: VolumeOptions, image_volumes: Sequence[str]
) -> list[MountRequest]:
    """Parse and check every mount flag; nothing is created here."""
    explicit = [specs.parse_volume(t) for t in options.volumes]
    explicit += [specs.parse_mount(t) for t in options.mounts]
    explicit += [specs.parse_tmpfs(t) for t in options.tmpfs]
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
    for path in image_volumes:
        dest = specs.container_path(f"image VOLUME {path}", path)
        if dest not in seen:
            seen.add(dest)
            requests.append(specs.parse_volume(dest))
    # Parents before children: /data is mounted before /data/cache.
    return sorted(requests, key=lambda r: r.destination.rstrip("/").count("/"))


def _checked(ctx: EngineContext, request: MountRequest) -> MountRequest:
    if request.kind == "bind":
        source = os.path.abspath(request.source)
        if not os.path.exists(source):
            raise InvalidArgument(
                f"statfs {source}: no such file or directory (the host path of a bind mount "
                "must exist)"
            )
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
        specs.parse_volume_create_options(request.volume_options)
    return request


def _volumes_from(ctx: EngineContext, text: str) -> list[MountRequest]:
    name, readonly = specs.parse_volumes_from(text)
    record = cs.find(ctx, name)
    out = []
    for item in cs.config_of(record).mounts:
        if item.kind not in ("bind", "volume"):
            continue
        out.append(
            MountRequest(
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
                    specs.runtime_options(request.options) + ro + copy,
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
        options = specs.parse_volume_create_options(request.volume_options)
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
) -> VolumeRecord:
    """Record and make a volume; a plain one with ``o=uid=N,gid=N`` has its directory
    owned by the container's ids N (chown inside the session user namespace)."""
    owner = specs.volume_owner(options)
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
    if owner is not None and plain:
        try:
            os.chown(ctx.volumes.data_dir(name), *owner)
        except OSError as exc:
            _delete(ctx, name)
            raise InvalidArgument(
                f"cannot give volume {name} to uid {owner[0]}, gid {owner[1]}: {exc.strerror} "
                "(the ids must be mapped in the user namespace: see /etc/subuid)"
            ) from None
    return volume


def volume_mount(ctx: EngineContext, volume: VolumeRecord, request: MountRequest) -> Mount:
    """The runtime mount of a volume: its _data dir, or a tmpfs, or a bound device, or
    an image volume's overlay."""
    if volume.driver == image_driver.DRIVER:
        from hutch.engine.image_volumes import image_volume_mount
        from hutch.runtime.mounts import SUBPATH

        mount = image_volume_mount(ctx, volume, request.destination, request.readonly)
        # narrowed by the init as an image mount's subpath= is
        subpath = (f"{SUBPATH}={request.subpath}",) if request.subpath else ()
        return replace(mount, options=mount.options + subpath)
    store = ctx.volumes
    opts = dict(volume.options)
    ro = ("ro",) if request.readonly else ()
    options = specs.runtime_options(request.options)
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
            _delete(ctx, name)
        except HutchError as exc:
            print(f"WARN: removing volume {name}: {exc}", file=sys.stderr)


def _delete(ctx: EngineContext, name: str) -> None:
    ctx.volumes.delete(name)
    directory = ctx.volumes.directory(name)
    if directory.exists():
        remove_tree(directory)


def inspect_mounts(mounts: Sequence[MountRecord]) -> tuple[InspectMount, ...]:
    """``inspect`` ``.Mounts``: podman's keys for each mount the container has."""
    out = []
    for item in mounts:
        options = item.options
        propagation = next((o for o in options if o in specs.PROPAGATIONS), "")
        if item.kind in ("bind", "volume") and not propagation:
            propagation = "rprivate"
        out.append(
            InspectMount(
                type=item.kind,
                name=item.name,
                source=item.source,
                destination=item.destination,
                driver=(item.driver or "local") if item.kind == "volume" else "",
                mode="",
                options=tuple(o for o in options if o not in specs.PROPAGATIONS),
                rw=not item.readonly,
                propagation=propagation,
                subpath=item.subpath,
            )
        )
    return tuple(out)


# -- the volume verbs ------------------------------------------------------------------


class VolumeService:
    """``engine.volumes`` (``hutch.api.volumes.Volumes``)."""

    def __init__(
        self, ctx: EngineContext, remove_containers: Callable[[Sequence[str]], list[ActionReport]]
    ) -> None:
        self._ctx = ctx
        self._remove_containers = remove_containers

    def create(self, options: VolumeCreateOptions) -> str:
        if options.driver not in ("local", image_driver.DRIVER):
            raise InvalidArgument(
                f"volume driver {options.driver!r} is not available: use local or image"
            )
        name = options.name or new_id()
        specs.check_volume_name(name)
        if options.driver == image_driver.DRIVER:
            return self._create_image_volume(name, options)
        parsed = specs.parse_volume_create_options(options.options)
        device = dict(parsed).get("device")
        if device and dict(parsed).get("type") != "tmpfs" and not os.path.exists(device):
            raise InvalidArgument(f"device {device}: no such file or directory")
        labels = tuple(_label(item) for item in options.labels)
        self._ctx.enter_session()
        if options.ignore and self._ctx.volumes.get(name) is not None:
            return name
        make_volume(self._ctx, name, parsed, driver=options.driver, labels=labels)
        return name

    def _create_image_volume(self, name: str, options: VolumeCreateOptions) -> str:
        from hutch.engine import image_volumes

        parsed = image_driver.parse_image_volume_options(options.options)
        labels = tuple(_label(item) for item in options.labels)
        self._ctx.enter_session()
        if options.ignore and self._ctx.volumes.get(name) is not None:
            return name
        image_volumes.check_driver(self._ctx)
        image = image_volumes.image_of(self._ctx, parsed[0][1])
        self._ctx.volumes.create(name, driver=image_driver.DRIVER, labels=labels, options=parsed)
        try:
            image_volumes.record_image(self._ctx, name, image)
        except OSError as exc:
            _delete(self._ctx, name)
            raise HutchError(f"creating image volume {name}: {exc}") from None
        return name

    def ls(self, options: VolumeListOptions) -> list[VolumeSummary]:
        wanted = self._filters(options.filters)
        summaries = (self._summary(v) for v in self._ctx.volumes.all())
        return [s for s in summaries if wanted.match(s)]

    def inspect(self, names: Sequence[str], all: bool) -> list[VolumeSummary]:
        if all:
            return [self._summary(v) for v in self._ctx.volumes.all()]
        return [self._summary(self._get(n)) for n in names]

    def exists(self, name: str) -> bool:
        return self._ctx.volumes.get(name) is not None

    def mount(self, name: str) -> str:
        """``volume mount``: where the volume's files are (podman: rootless only in
        ``unshare``, where the files' owners map to the user). A local volume is a
        directory already; nothing is mounted, so unmount has nothing to undo."""
        from hutch.engine.image_mount import require_session

        require_session(self._ctx, "volume mount")
        return self._summary(self._get(name)).mountpoint

    def unmount(self, name: str) -> str:
        from hutch.engine.image_mount import require_session

        require_session(self._ctx, "volume unmount")
        return self._get(name).name

    def remove(self, names: Sequence[str], options: VolumeRemoveOptions) -> list[ActionReport]:
        # the CLI's and the client's check, before anything is removed
        if not names and not options.all:
            raise InvalidArgument("provide one or more volume names or use --all")
        if names and options.all:
            raise InvalidArgument("--all and volume names cannot be used together")
        self._ctx.enter_session()
        names = [v.name for v in self._ctx.volumes.all()] if options.all else names
        reports = []
        for name in names:
            try:
                self._get(name)
                users = self._ctx.volumes.users(name)
                if users and not options.force:
                    in_use = Conflict(
                        f"volume {name} is being used by the following container(s): "
                        f"{', '.join(users)}: volume is being used"
                    )
                    in_use.exit_code = 2  # podman's status for a volume in use
                    raise in_use
                if users:
                    for report in self._remove_containers(users):
                        if report.error:
                            raise HutchError(report.error)
                _delete(self._ctx, name)
                reports.append(ActionReport(name, name))
            except NoSuchObject as exc:  # podman volume rm: 1 for a volume that is not there
                if not options.force:  # -f: podman 4.3.1 passes over it, silent, status 0
                    reports.append(ActionReport(name, error=str(exc), exit_code=1))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def prune(self, filters: Sequence[str]) -> list[PruneReport]:
        wanted = self._filters(filters)  # bad input fails before anything is removed
        self._ctx.enter_session()
        removed = []
        for volume in self._ctx.volumes.all():
            if self._ctx.volumes.users(volume.name) or not wanted.match(self._summary(volume)):
                continue
            _delete(self._ctx, volume.name)
            removed.append(PruneReport(volume.name))
        return removed

    def _filters(self, items: Sequence[str]) -> VolumeFilters:
        def created_of(name: str) -> float | None:
            volume = self._ctx.volumes.get(name)
            return None if volume is None else volume.created

        return parse_volume_filters(items, created_of)

    def export(self, name: str, out: BinaryIO) -> None:
        from hutch.store.tarwrite import write_layer_tar

        volume = self._get(name)
        self._ctx.enter_session()
        write_layer_tar(self._ctx.volumes.data_dir(volume.name), out)
        out.flush()

    def import_(self, name: str, source: BinaryIO) -> None:
        from hutch.store.tarextract import extract_layer

        volume = self._get(name)
        if dict(volume.options).get("type") == "tmpfs":
            raise InvalidArgument(f"volume {name} is a tmpfs: there is nothing to import into")
        self._ctx.enter_session()
        extract_layer(source, self._ctx.volumes.data_dir(volume.name), whiteouts="apply")
        self._ctx.volumes.copied_up(volume.name)

    def _get(self, name: str) -> VolumeRecord:
        volume = self._ctx.volumes.get(name)
        if volume is None:
            raise NoSuchObject(f'no volume with name "{name}" found: no such volume')
        return volume

    def _summary(self, volume: VolumeRecord) -> VolumeSummary:
        uid, gid = specs.volume_owner(volume.options) or (0, 0)
        return VolumeSummary(
            uid=uid,
            gid=gid,
            name=volume.name,
            driver=volume.driver,
            mountpoint=str(self._ctx.volumes.data_dir(volume.name)),
            created=volume.created,
            labels=volume.labels,
            options=volume.options,
            anonymous=volume.anonymous,
            needs_copy_up=volume.needs_copy_up,
            needs_chown=volume.needs_chown,
            users=self._ctx.volumes.users(volume.name),
        )


def _label(item: str) -> tuple[str, str]:
    key, _, value = item.partition("=")
    if not key:
        raise InvalidArgument(f"invalid label {item!r}: empty key")
    return key, value

"""A new volume's first mount: copy-up and owner, at the container's start.

podman fills a new volume (named or anonymous) with what the image holds at the
mount point when a container that mounts it is first started (or initialised), not
when it is created: until then ``volume inspect`` says ``NeedsCopyUp`` and
``NeedsChown``, and ``nocopy`` chosen at create still counts. The rules, podman's:

- copy-up only into an empty volume, from a directory of the image that has
  entries, and not with ``nocopy`` (on the mount or the volume) nor a ``subpath=``
  (the image's directory belongs at the volume's top, which that container does not
  show); ``NeedsCopyUp`` stays set until something was copied, so a later container
  with content at its mount point still fills the volume;
- ``NeedsChown`` is consumed by the first start whatever it copies: the volume's
  directory takes the owner and mode of the image's directory there, or, where the
  image has none, the container's user (which only its init knows: ``Mount.own``,
  written into the bundle here before the monitor reads it).
"""

from __future__ import annotations

from dataclasses import replace

from hutch.engine import container_state as cs
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.runtime.spec import Rootfs
from hutch.store.volumes import VolumeRecord


def check_mountable(ctx: EngineContext, container: cs.Container) -> None:
    """Refuse the start of a container that mounts a plain volume with mount words in
    ``o=`` (taken at create, as podman takes them): podman mounts such a volume with
    mount(8) at each start, which fails rootless, and the container does not start."""
    from hutch.api.errors import VolumeMountFailed
    from hutch.engine.volumes import needs_mount
    from hutch.volumes.specs import mount_refusal

    for record in container.config.mounts:
        volume = ctx.volumes.get(record.name) if record.kind == "volume" else None
        # podman's needsMount first: beside an owner, nocopy or copy, o= is not mounted
        if volume is None or volume.driver != "local" or not needs_mount(volume):
            continue
        refusal = mount_refusal(volume.options, str(ctx.volumes.data_dir(volume.name)))
        if refusal is not None:
            raise VolumeMountFailed(
                f"mounting volume {volume.name} for container {container.record.id}: {refusal}"
            )  # (mount(8)'s text ends with a newline: podman's blank line after it)


def first_mounts(ctx: EngineContext, container: cs.Container, *, chown: bool = True) -> None:
    """Copy up into and give away the new volumes the container mounts (in the session
    user namespace: the copies keep the image's subordinate owners). Without
    ``chown`` (containers.conf's prepare_volume_on_create, at create) only the
    copy-up: NeedsChown stays for the first start, as in podman."""
    pending = [
        (record, volume)
        for record in container.config.mounts
        if record.kind == "volume"
        and (volume := ctx.volumes.get(record.name)) is not None
        and (volume.needs_copy_up if not chown else volume.needs_copy_up or volume.needs_chown)
        # a plain volume's own directory (not a tmpfs, a device or an image's overlay)
        and record.source == str(ctx.volumes.data_dir(volume.name))
    ]
    if not pending:
        return
    from hutch.runtime import spawn
    from hutch.runtime.spec_io import spec_from_json

    bundle = container.dirs.userdata
    spec = spec_from_json((bundle / "config.json").read_bytes())
    owned = [
        r.destination for r, volume in pending if not _fill(ctx, spec.rootfs, r, volume, chown)
    ]
    if owned and chown:
        mounts = tuple(
            replace(m, own=True) if m.destination in owned and m.kind == "bind" else m
            for m in spec.mounts
        )
        spawn.write_bundle(replace(spec, mounts=mounts), bundle)


def _fill(
    ctx: EngineContext, rootfs: Rootfs, record: MountRecord, volume: VolumeRecord, chown: bool
) -> bool:
    """One volume's first mount; whether its directory has its owner now (else the
    container's user takes it, when it still needs one)."""
    from hutch.engine.volume_copyup import copy_up

    data = ctx.volumes.data_dir(volume.name)
    wanted = (
        "nocopy" not in record.options
        and "nocopy" not in dict(volume.options)
        and not record.subpath
    )
    contents = volume.needs_copy_up and wanted and not any(data.iterdir())
    found = True
    if contents or (volume.needs_chown and chown):
        found = copy_up(rootfs, record.destination, data, ctx.paths.tmp, contents=contents)
    copied = contents and any(data.iterdir())
    ctx.volumes.first_mounted(volume.name, copied=copied, chowned=chown)
    return found or not volume.needs_chown

"""``mount`` / ``unmount``: a container's root filesystem at its ``merged`` path.

As ``image mount`` (engine/image_mount.py), a rootless user mounts only inside
``hutch unshare``, and the mount lives in that command's mount namespace (a
shell's children see it; it ends with the shell, or at ``unmount`` or ``rm``
of the container there). The
overlay is the container's own: its image layers below its upper directory,
so a file written through the mount point is in the container, and the
reverse. A running container's overlay is mounted in its monitor's mount
namespace, which this one cannot reach, so a second overlay instance is
mounted on the same directories. It gets a work directory of its own
(``mount-work``): overlay needs one per instance, and the container's is in
use. With the kernel's default ``index=off`` overlay allows a shared upper
directory (it logs that both mounts see each other's writes, which is what
``mount`` is for). The vfs driver's ``merged`` is a full copy: it is bound
onto itself, so it shows in the mount table as mounted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hutch.api.containers import ContainerMount
from hutch.api.errors import HutchError, InvalidArgument
from hutch.engine import container_state as cs
from hutch.engine import events
from hutch.engine.context import EngineContext
from hutch.engine.image_mount import require_session
from hutch.linux import syscalls as sc
from hutch.runtime.spec import Rootfs


@dataclass(frozen=True)
class _Target:
    container: cs.Container

    @property
    def point(self) -> str:
        return str(self.container.dirs.merged)


def _mount_points() -> set[str]:
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        return {line.split()[4].replace("\\040", " ") for line in f}


def _targets(ctx: EngineContext, names: Sequence[str], all_: bool) -> list[_Target]:
    records = ctx.containers.all() if all_ else [cs.find(ctx, n) for n in names]
    return [_Target(cs.load(ctx, r)) for r in records]


def mount(ctx: EngineContext, names: Sequence[str], all_: bool) -> list[str]:
    """Mount each container's root filesystem (again: its mount point); answer them."""
    require_session(ctx, "mount")
    ctx.enter_session()
    targets = _targets(ctx, names, all_)  # all found before any mount
    done = _mount_points()
    for target in targets:
        if target.point not in done:
            _mount(target.container)
            done.add(target.point)
        events.container_event(ctx, target.container.record, "mount")  # each time, as podman
    return [t.point for t in targets]


def _rootfs(container: cs.Container) -> Rootfs:
    from hutch.runtime.spec_io import spec_from_json

    try:
        spec = spec_from_json((container.dirs.userdata / "config.json").read_bytes())
    except FileNotFoundError:
        raise HutchError(f"container {container.record.id[:12]} has no runtime bundle") from None
    return spec.rootfs


def _mount(container: cs.Container) -> None:
    rootfs = _rootfs(container)
    point = str(container.dirs.merged)
    os.makedirs(point, mode=0o700, exist_ok=True)
    if rootfs.kind == "bind":  # vfs: the tree is there already; --rootfs PATH: there
        sc.mount(rootfs.target, point, None, sc.MS_BIND)
        return
    work = container.dirs.root / "mount-work"
    work.mkdir(mode=0o700, exist_ok=True)
    ours = replace(rootfs, target=point, work=str(work))
    here = os.getcwd()
    # relative lower dirs keep the mount data under a page, as the runtime's
    os.chdir(ours.lower_base)
    try:
        if ours.kind == "overlay":
            data = (
                f"lowerdir={':'.join(ours.lowers)},upperdir={ours.upper},"
                f"workdir={ours.work},userxattr"
            )
            sc.mount("overlay", point, "overlay", 0, data)
        else:  # fuse-overlayfs: its helper lives on after this command, as the mount
            from hutch.runtime.rootfs import fuse_overlayfs

            fuse_overlayfs(ours)
    finally:
        os.chdir(here)


def mounted(ctx: EngineContext) -> list[ContainerMount]:
    """The containers whose root filesystem is mounted here (``mount`` alone)."""
    require_session(ctx, "mount")
    ctx.enter_session()
    points = _mount_points()
    out = []
    for record in ctx.containers.all():
        point = str(ctx.containers.dirs(record.id).merged)
        if point in points:
            out.append(ContainerMount(record.id, (record.name,), point))
    return out


def unmount(
    ctx: EngineContext, names: Sequence[str], all_: bool, force: bool, latest: bool = False
) -> list[str]:
    """Unmount the containers' root filesystems; answer what podman prints: the
    names given, or with ``all_`` the id of each one unmounted. One not mounted
    is no error. ``force`` is podman's (hutch keeps no mount count).

    Outside ``hutch unshare`` too, as podman's unmount needs no unshare: the
    caller's mount namespace then holds none of our mounts (each ``hutch
    unshare`` has its own, gone with it), so the names are only checked.
    ``all_`` passes over a running container, as podman's does (its root
    filesystem stays mounted while it runs: podman's mount lists it). ``latest``:
    ``names`` is the one container ``--latest`` picked, taken as podman takes it."""
    del force
    ctx.enter_session()
    if not names and not all_:
        raise InvalidArgument("you must provide at least one name or id")
    points = _mount_points()
    if latest:
        return _unmount_latest(_targets(ctx, names, False), points)
    if all_:
        targets = [
            t for t in _targets(ctx, (), True) if t.point in points and not t.container.running
        ]
        shown = [t.container.record.id for t in targets]
    else:
        targets = _targets(ctx, names, False)  # all found before any unmount
        shown = list(names)
    for target in targets:
        if target.point in points:
            sc.umount2(target.point, sc.MNT_DETACH)
            points.discard(target.point)  # named twice: unmounted once
            events.container_event(ctx, target.container.record, "unmount")
    return shown


def _unmount_latest(targets: list[_Target], points: set[str]) -> list[str]:
    """podman 4.3.1's ``unmount --latest``, unlike its unmount of names: a running
    container is passed over (nothing printed, exit 0: its root filesystem is its
    own while it runs), one not mounted is an error, one mounted is unmounted and
    its full id printed."""
    shown = []
    for target in targets:
        if target.container.running:
            continue
        cid = target.container.record.id
        if target.point not in points:
            raise HutchError(
                f"unmounting container {cid}: unmounting container {cid} root filesystem: "
                "layer is not mounted"
            )
        sc.umount2(target.point, sc.MNT_DETACH)
        shown.append(cid)
    return shown

"""Volumes: the ``volume`` verbs.

A container's side (the mounts of a new container, its anonymous volumes when it
goes) is in engine/container_mounts.py, which create, run and rm load without this
module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from hutch.api.common import PruneReport
from hutch.api.container_actions import ActionReport
from hutch.api.errors import Conflict, HutchError, InvalidArgument, NoSuchObject
from hutch.api.volume_options import (
    VolumeCreateOptions,
    VolumeListOptions,
    VolumeRemoveOptions,
    VolumeSummary,
)
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.store.volumes import VolumeRecord
from hutch.util.ids import new_id
from hutch.volumes import image_driver, specs
from hutch.volumes.filters import VolumeFilters, parse_volume_filters

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import BinaryIO

# container_mounts (which makes and deletes a volume's directory) is imported where a
# volume is made or deleted: it loads the container record's and the spec's classes,
# which volume inspect, ls and exists need none of (issue 16)

# -- the volume verbs ------------------------------------------------------------------


class VolumeService:
    """``engine.volumes`` (``hutch.api.volumes.Volumes``)."""

    def __init__(
        self,
        ctx: EngineContext,
        remove_containers: Callable[[Sequence[str], int | None], list[ActionReport]],
    ) -> None:
        self._ctx = ctx
        self._remove_containers = remove_containers

    def create(self, options: VolumeCreateOptions) -> str:
        from hutch.engine.container_mounts import make_volume

        name = options.name or new_id()
        if not specs.valid_volume_name(name):  # podman's words
            raise InvalidArgument(
                "running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                "invalid argument"
            )
        if options.driver not in ("local", image_driver.DRIVER):
            # podman's words: any other driver is a plugin, and hutch has none
            raise InvalidArgument(
                f"volume {name} uses volume plugin {options.driver} but it could not be "
                f"retrieved: no volume plugin with name {options.driver} available: "
                "required plugin missing"
            )
        if options.driver == image_driver.DRIVER:
            return self._create_image_volume(name, options)
        parsed = specs.parse_volume_create_options(options.options)
        for key, value in (("uid", options.uid), ("gid", options.gid)):
            if value is not None and value < 0:
                raise InvalidArgument(f"invalid --{key} {value}: must not be negative")
        device = dict(parsed).get("device")
        if device and dict(parsed).get("type") == "bind" and not os.path.exists(device):
            # podman's words: libpod's local driver checks the device of type=bind only;
            # type=none,o=bind is made and fails at start (specs.mount_refusal)
            raise InvalidArgument(
                f"invalid volume option device for driver 'local': stat {device}: "
                "no such file or directory"
            )
        labels = tuple(_label(item) for item in options.labels)
        self._ctx.enter_session()
        if options.ignore and self._ctx.volumes.get(name) is not None:
            return name
        make_volume(
            self._ctx,
            name,
            parsed,
            driver=options.driver,
            labels=labels,
            given_owner=(options.uid, options.gid),
        )
        return name

    def _create_image_volume(self, name: str, options: VolumeCreateOptions) -> str:
        from hutch.engine import image_volumes
        from hutch.engine.container_mounts import delete_volume

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
            delete_volume(self._ctx, name, event=False)
            raise HutchError(f"creating image volume {name}: {exc}") from None
        engine_events.volume_event(self._ctx, "create", name, labels)
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
        directory already and nothing is mounted; one podman would mount (a tmpfs,
        a device: needs_mount) counts the mount in its MountCount until unmount, as
        podman's does."""
        from hutch.engine.image_mount import require_session

        require_session(self._ctx, "volume mount")
        volume = self._get(name)
        if needs_mount(volume):
            self._ctx.volumes.hold(volume.name, +1)
        return self._summary(volume).mountpoint

    def unmount(self, name: str) -> str:
        """Outside ``unshare`` too, as podman's (its volume unmount needs none); one
        mount fewer in MountCount, none below 0 (podman: no error then)."""
        volume = self._get(name)
        if needs_mount(volume):
            self._ctx.volumes.hold(volume.name, -1)
        return volume.name

    def remove(self, names: Sequence[str], options: VolumeRemoveOptions) -> list[ActionReport]:
        from hutch.engine.container_mounts import delete_volume

        # the CLI's and the client's check, before anything is removed (podman's
        # words for either mistake)
        if bool(names) == options.all:
            raise InvalidArgument("choose either one or more volumes or all")
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
                    for report in self._remove_containers(users, options.timeout):
                        if report.error:
                            raise HutchError(report.error)
                delete_volume(self._ctx, name)
                reports.append(ActionReport(name, name))
            except NoSuchObject as exc:  # podman volume rm: 1 for a volume that is not there
                if not options.force:  # -f: podman 4.3.1 passes over it, silent, status 0
                    reports.append(ActionReport(name, error=str(exc), exit_code=1))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def prune(self, filters: Sequence[str]) -> list[PruneReport]:
        from hutch.engine.container_mounts import delete_volume

        wanted = self._filters(filters)  # bad input fails before anything is removed
        self._ctx.enter_session()
        removed = []
        for volume in self._ctx.volumes.all():
            if self._ctx.volumes.users(volume.name) or not wanted.match(self._summary(volume)):
                continue
            delete_volume(self._ctx, volume.name)
            engine_events.volume_event(self._ctx, "prune", volume.name)  # after its "remove"
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
        given = self._ctx.volumes.owner(volume.name)  # --uid/--gid
        uid, gid = specs.volume_owner(volume.options, given) or (0, 0)
        users = self._ctx.volumes.users(volume.name)
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
            users=users,
            mount_count=(
                self._mounted_by(users) + self._ctx.volumes.held(volume.name)
                if needs_mount(volume)
                else 0
            ),
        )

    def _mounted_by(self, users: tuple[str, ...]) -> int:
        """How many of ``users`` run (or are paused): each holds a mount of the volume
        (as do the volume mounts not undone: VolumeStore.held)."""
        from hutch.engine import container_state as cs

        count = 0
        for user in users:
            try:
                container = cs.load(self._ctx, cs.find(self._ctx, user), lenient=True)
            except HutchError:
                continue
            count += container.running
        return count


# what podman leaves out when it asks whether a local volume needs mounting: the
# owner, size and copy options are applied to a plain directory
_PLAIN_OPTIONS = ("UID", "GID", "SIZE", "NOQUOTA", "nocopy", "copy")


def needs_mount(volume: VolumeRecord) -> bool:
    """podman's needsMount: a volume of another driver, or a local one with options
    other than the plain ones (``type``, ``device``, ``o`` for a tmpfs or a device);
    only such a volume counts mounts (``MountCount``), a plain directory stays 0."""
    if volume.driver != "local":
        return True
    keys = {key for key, _ in volume.options}
    plain = sum(1 for key in _PLAIN_OPTIONS if key in keys)
    if plain and "o" in keys:
        plain += 1  # the "o" that carried the owner
    return len(keys) > plain


def _label(item: str) -> tuple[str, str]:
    from hutch.engine.run_flags import check_labels

    check_labels((item,))  # podman's words
    key, _, value = item.partition("=")
    return key, value

"""Small container verbs: rename, exists, prune, init, clone."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from hutch.api.containers import (
    ActionReport,
    CloneOptions,
    PauseOptions,
    RemoveContainerOptions,
    StartOptions,
)
from hutch.api.errors import Conflict, HutchError, InvalidArgument
from hutch.engine import container_select
from hutch.engine import container_state as cs
from hutch.engine.container_state_query import ContainerLookup
from hutch.runtime import state as st
from hutch.util.ids import NAME_RULE, clone_name, valid_name


class ContainerAdmin(ContainerLookup):
    """rename, prune, init, clone (and exists: engine/container_state_query.py)."""

    def rename(self, name: str, new_name: str) -> str:
        """Give a container a new name (running or not); returns its id."""
        from hutch.engine import events as engine_events

        record = cs.find(self._ctx, name)  # podman looks the container up first
        if not valid_name(new_name):
            raise InvalidArgument(f"{NAME_RULE}: invalid argument")  # podman's words
        if record.name == new_name:  # nothing to do, but podman records the rename
            engine_events.container_event(self._ctx, record, "rename")
            return record.id
        clash = [r for r in self._ctx.containers.lookup(new_name) if r.name == new_name]
        if clash:
            raise Conflict(
                f"renaming container {record.id}: name {new_name} already in use, cannot "
                f"rename container {record.id}: container already exists"
            )
        self._ctx.containers.rename(record.id, new_name)
        with contextlib.suppress(OSError):  # for a running monitor's later events
            (self._ctx.containers.dirs(record.id).userdata / st.RENAMED).write_text(new_name)
        engine_events.container_event(self._ctx, replace(record, name=new_name), "rename")
        from hutch.engine.netrun import serves_names

        if serves_names(self._ctx):  # a container on user networks answers to its new name
            from hutch.engine.networks import publish_dns

            publish_dns(self._ctx)
        return record.id

    def prune(self, filters: Sequence[str] = ()) -> list[ActionReport]:
        """Remove every container that is not running (created or exited) and that
        ``filters`` (system prune --filter) select."""
        from hutch.engine.containers import ContainerService
        from hutch.engine.prune_filters import parse_prune_filters

        chosen = parse_prune_filters(filters)
        self._ctx.enter_session()
        infras = self._ctx.pods.infra_ids()  # they go with their pods (pod prune)
        ids = [
            r.id
            for r in self._ctx.containers.all()
            if r.id not in infras
            and not (c := cs.load(self._ctx, r)).running
            and chosen.match(r.created, c.config.labels)
        ]
        # Without force: one that started meanwhile is reported, not stopped.
        options = RemoveContainerOptions(force=False, ignore=True)
        return ContainerService(self._ctx).remove(ids, options)

    def init(self, names: Sequence[str], options: PauseOptions) -> list[ActionReport]:
        """podman's ``init``: hutch writes a container's bundle when it creates it, so a
        created container is ready already but for its new volumes, which are filled
        here as at a first start (podman mounts its storage then). It is then podman's
        "initialized" until it starts (cs.initialized); so is an exited one, as podman
        initializes those again. One initialized already, or running, is refused as
        podman does (``--all`` reports only what could not be found)."""
        names = container_select.targets(
            self._ctx, names, all_=options.all, latest=options.latest, filters=options.filters
        )
        given = not (options.all or options.filters)
        if given and (missing := container_select.first_missing(self._ctx, names)):
            return missing
        reports = []
        for name in names:
            try:
                container = cs.get(self._ctx, name)
                ready = container.state.status in (st.CREATED, st.EXITED)
                if ready and not cs.initialized(container):
                    self._initialize(container)
                elif not options.all:
                    raise Conflict(
                        f"container {container.record.id} has already been created in "
                        "runtime: container state improper"
                    )
                reports.append(ActionReport(name, container.record.id))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _initialize(self, container: cs.Container) -> None:
        if container.state.status == st.CREATED and container.config.mounts:
            from hutch.engine.volume_firstmount import first_mounts

            self._ctx.enter_session()
            first_mounts(self._ctx, container)
        marker = container.dirs.userdata / st.INIT_MARKER
        # touched anew: a marker older than the last exit no longer counts; without it
        # (a bundle being removed) the start logs "init" itself, as before init existed
        with contextlib.suppress(OSError):
            marker.touch()
        from hutch.engine import events as engine_events

        engine_events.container_event(self._ctx, container.record, "init")

    def clone(self, options: CloneOptions) -> str:
        from hutch.engine.containers import ContainerService

        record = cs.find(self._ctx, options.container)
        given = cs.config_of(record).options
        changed = {
            f.name: getattr(options.resources, f.name)
            for f in fields(options.resources)
            if getattr(options.resources, f.name) is not None
        }
        service = ContainerService(self._ctx)
        clone = replace(
            given,
            name=options.name or self._clone_name(record.name),
            # a --rootfs container's "image" is its directory (the record names none)
            image=options.image or (given.image if given.rootfs else record.image_name),
            resources=replace(given.resources, **changed),
            pod=options.pod if options.pod is not None else given.pod,
            # into a pod: the pod's network, not the one the original resolved at its
            # create (recorded as "private" when it had no --network of its own)
            network="" if options.pod is not None else given.network,
            cidfile=None,
            replace=False,
            detach=True,
        )
        new_id = service.create(clone)
        if options.destroy:  # after the clone exists: a failed clone loses nothing
            removal = RemoveContainerOptions(force=options.force)
            for report in service.remove([record.id], removal):
                if report.error:
                    raise Conflict(report.error)
        if options.run:
            for report in service.start([new_id], StartOptions()):
                if report.error:
                    raise HutchError(report.error)
        return new_id

    def spec(self, name: str, new_name: bool = True) -> dict[str, Any]:
        from hutch.engine.spec_json import container_spec
        from hutch.engine.spec_resolved import Resolved

        record = cs.find(self._ctx, name)
        config = cs.config_of(record)
        given = config.options
        # as clone: a --rootfs container's "image" is its directory (the record names none)
        image = given.image if given.rootfs else record.image_name
        own = self._clone_name(record.name) if new_name else record.name
        volumes = {m.name for m in config.mounts if m.kind == "volume"}
        anonymous = {v for v in volumes if (found := self._ctx.volumes.get(v)) and found.anonymous}
        resolved = Resolved("" if given.rootfs else record.image_id, config, frozenset(anonymous))
        return container_spec(replace(given, name=own, image=image or given.image), resolved)

    def _clone_name(self, name: str) -> str:
        taken = {r.name for r in self._ctx.containers.all()}
        taken |= {r.name for r in self._ctx.pods.all()}  # one namespace of names
        return clone_name(name, taken)

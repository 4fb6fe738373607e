"""Small container verbs: rename, exists, prune."""

from __future__ import annotations

from hutch.api.containers import ActionReport, RemoveContainerOptions
from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.util.ids import valid_name


class ContainerAdmin:
    def __init__(self, ctx: EngineContext) -> None:
        self._ctx = ctx

    def rename(self, name: str, new_name: str) -> str:
        """Give a container a new name (running or not); returns its id."""
        if not valid_name(new_name):
            raise InvalidArgument(
                f"invalid container name {new_name!r}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
            )
        record = cs.find(self._ctx, name)
        if record.name == new_name:
            return record.id
        clash = [r for r in self._ctx.containers.lookup(new_name) if r.name == new_name]
        if clash:
            raise Conflict(f"the container name {new_name!r} is already in use")
        self._ctx.containers.rename(record.id, new_name)
        return record.id

    def exists(self, name: str) -> bool:
        try:
            cs.find(self._ctx, name)
        except NoSuchObject:
            return False
        return True

    def prune(self) -> list[ActionReport]:
        """Remove every container that is not running (created or exited)."""
        from hutch.engine.containers import ContainerService

        self._ctx.enter_session()
        infras = self._ctx.pods.infra_ids()  # they go with their pods (pod prune)
        ids = [
            r.id
            for r in self._ctx.containers.all()
            if r.id not in infras and not cs.load(self._ctx, r).running
        ]
        # Without force: one that started meanwhile is reported, not stopped.
        options = RemoveContainerOptions(force=False, ignore=True)
        return ContainerService(self._ctx).remove(ids, options)

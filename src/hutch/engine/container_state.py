"""Finding containers and reading their runtime state (with repair)."""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.engine import container_record
from hutch.engine.container_record import ContainerConfig
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.store.containers import ContainerDirs, ContainerRecord


@dataclass(frozen=True)
class Container:
    record: ContainerRecord
    dirs: ContainerDirs
    state: st.RuntimeState
    config: ContainerConfig

    @property
    def running(self) -> bool:
        return self.state.status in (st.RUNNING, st.PAUSED, st.STOPPING)


def find(ctx: EngineContext, name: str) -> ContainerRecord:
    matches = ctx.containers.lookup(name)
    if not matches:
        raise NoSuchObject(f'no container with name or ID "{name}" found: no such container')
    if len(matches) > 1:
        raise InvalidArgument(f"{name!r}: more than one container matches; give more of the ID")
    return matches[0]


def load(ctx: EngineContext, record: ContainerRecord) -> Container:
    """The container with its state; repairs a state whose monitor died."""
    dirs = ctx.containers.dirs(record.id)
    path = dirs.userdata / "state.json"
    state = st.read_state(path)
    fixed = st.reconciled(state)
    if fixed is not state:
        # The monitor is gone: nobody else will record this exit. Kill an
        # orphaned init so that nothing keeps running unsupervised.
        if st.alive(state.pid, state.pid_start):
            with contextlib.suppress(ProcessLookupError):
                os.kill(state.pid, signal.SIGKILL)
        st.write_state(path, fixed)
        state = fixed
    return Container(record, dirs, state, container_record.decode(record.config))


def get(ctx: EngineContext, name: str) -> Container:
    return load(ctx, find(ctx, name))

"""Finding containers and reading their runtime state (with repair)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field, replace

from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.store.containers import ContainerDirs, ContainerRecord

TYPE_CHECKING = False  # typing costs an import on exec's path; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.engine.container_record import ContainerConfig
    from hutch.runtime.spec import Spec


@dataclass(frozen=True)
class Located:
    """A container and its state, without its config: ``exec`` needs none of it
    (decoding it, and loading the classes of the run options, were about a tenth
    of ``hutch exec``'s start: issue 16)."""

    record: ContainerRecord
    dirs: ContainerDirs
    state: st.RuntimeState


def bundle_spec(container: Located) -> Spec:
    """The container's runtime spec as its bundle holds it (``config.json``). Here,
    not with ``exec`` that reads it too: ``inspect`` and ``healthcheck`` loaded the
    exec machinery (ctypes, seccomp, signal proxy) for these two lines."""
    from hutch.runtime.spec_io import spec_from_json

    return spec_from_json((container.dirs.userdata / "config.json").read_bytes())


@dataclass(frozen=True)
class Container(Located):
    """A container with its state and its config. Loaded with ``decode=False`` the
    config is decoded at its first read: ``stop -t N`` and ``rm`` need none of it (the
    labels of their events come from ``config_peek``), and decoding it, with the
    imports of the run options' classes, was about 8 ms of CPU of each (issue 16)."""

    # the decoded config (None: not yet); positional, as ``Container(r, d, s, config)``
    given: ContainerConfig | None = field(default=None, compare=False, repr=False)
    # an undecodable config reads as ``bare_config`` instead of raising (removal)
    lenient: bool = field(default=False, compare=False, repr=False)

    @property
    def config(self) -> ContainerConfig:
        if self.given is not None:
            return self.given
        try:
            config = config_of(self.record)
        except HutchError:
            if not self.lenient:
                raise
            config = bare_config(self.record)
        object.__setattr__(self, "given", config)  # a cache of a frozen instance's own
        return config

    @property
    def running(self) -> bool:
        return self.state.status in st.LIVE


def initialized(found: Located) -> bool:
    """Whether ``hutch init`` readied the container since it last ran: podman's
    "initialized" state. hutch prepares a container at create, so ``init`` only
    leaves INIT_MARKER, which the monitor removes at the start it serves; a marker
    older than the last exit (a start that failed) no longer counts."""
    status = found.state.status
    if status not in (st.CREATED, st.EXITED):
        return False
    try:
        made = os.stat(found.dirs.userdata / st.INIT_MARKER).st_mtime
    except OSError:
        return False
    return status == st.CREATED or made >= found.state.finished_at


def status_of(found: Located) -> str:
    """The status podman shows: the recorded one, or ``initialized`` after init."""
    return st.INITIALIZED if initialized(found) else found.state.status


def find(ctx: EngineContext, name: str) -> ContainerRecord:
    matches = ctx.containers.lookup(name)
    if not matches:
        raise NoSuchObject(f'no container with name or ID "{name}" found: no such container')
    if len(matches) > 1:
        raise InvalidArgument(f"{name!r}: more than one container matches; give more of the ID")
    return matches[0]


def load(
    ctx: EngineContext, record: ContainerRecord, *, lenient: bool = False, decode: bool = True
) -> Container:
    """The container with its state, as repaired when its monitor died.

    The repair is derived, not written (the monitor is the one writer of
    state.json: runtime/state.py). ``lenient`` (listing, removal): a
    config row that cannot be decoded gives status unknown and a bare
    config naming the image, instead of an error, so that one bad row
    neither hides the others nor stays for ever. ``decode=False``: the config
    is decoded when first read (``Container.config``), and an undecodable one
    then raises, or with ``lenient`` reads as the bare config (the status stays).
    """
    return completed(located(ctx, record), lenient=lenient, decode=decode)


def completed(found: Located, *, lenient: bool = False, decode: bool = True) -> Container:
    """``found`` with its config (``load``'s ``lenient`` and ``decode``): a listing
    decodes only the containers it shows."""
    record, dirs, state = found.record, found.dirs, found.state
    if not decode:
        return Container(record, dirs, state, None, lenient)
    try:
        config = config_of(record)
    except HutchError as exc:
        if not lenient:
            raise
        bare = bare_config(record)
        return Container(record, dirs, replace(state, status=st.UNKNOWN, error=str(exc)), bare)
    return Container(record, dirs, state, config)


def bare_config(record: ContainerRecord) -> ContainerConfig:
    """What a container whose config cannot be decoded reads as: its image alone."""
    from hutch.api.container_config import RunOptions
    from hutch.engine.container_record import ContainerConfig

    return ContainerConfig(RunOptions(image=record.image_name))


def located(ctx: EngineContext, record: ContainerRecord) -> Located:
    """The container's directories and state, as repaired when its monitor died, and
    with the exit of a run that has just ended as its monitor records it (``settled``:
    not running with its process gone, which inspect and ps showed while exec refused)."""
    dirs = ctx.containers.dirs(record.id)
    path = st.state_path(dirs.userdata)
    recorded = st.settled(path, st.read_state(path))
    state = st.reconciled(recorded)
    if state is not recorded and st.alive(recorded.pid, recorded.pid_start):
        # The monitor is gone: kill an orphaned init so that nothing keeps
        # running unsupervised (its pid namespace normally took it along).
        with contextlib.suppress(ProcessLookupError):
            import signal  # its enums: only for this rare repair

            os.kill(recorded.pid, signal.SIGKILL)
    return Located(record, dirs, state)


def config_of(record: ContainerRecord) -> ContainerConfig:
    from hutch.engine import container_record

    try:
        return container_record.decode(record.config)
    except (ValueError, TypeError, KeyError) as exc:
        raise HutchError(f"container {record.id[:12]}: its record cannot be read: {exc}") from exc


def get(ctx: EngineContext, name: str) -> Container:
    return load(ctx, find(ctx, name))

"""Shared state of one command: paths, settings, the session and the stores.

Built once per command and passed explicitly (no module-level singletons);
everything expensive (the database, the session namespace) is opened on
first use, so ``hutch images`` never pays for a namespace it does not need.
"""

from __future__ import annotations

import sys
from functools import cached_property

from hutch.config.global_flags import GlobalFlags

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# Each part is imported where it is first used: ``hutch ps`` needs the
# database and the container store, not the session namespace (ctypes), the
# layer store (hashing) or the image store.
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    from hutch.config.paths import Paths
    from hutch.config.settings import Settings
    from hutch.runtime.session import SessionState
    from hutch.store.containers import ContainerStore
    from hutch.store.dbpool import ConnectionPool
    from hutch.store.drivers import DriverChoice
    from hutch.store.images import ImageStore
    from hutch.store.layers import LayerStore
    from hutch.store.pods import PodStore
    from hutch.store.volumes import VolumeStore


class EngineContext:
    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        connections: ConnectionPool | None = None,
        flags: GlobalFlags | None = None,
    ) -> None:
        self.paths = paths
        self.settings = settings
        # the global flags the commands run later for a container are given
        # (``context_factory``); none given: these paths' own
        self.flags = flags or GlobalFlags(str(paths.data), str(paths.runtime))
        self._session_state: SessionState | None = None
        self._connections = connections  # the API service's kept connections

    def enter_session(self) -> SessionState:
        """Join the session user namespace (once) before touching storage."""
        if self._session_state is None:
            from hutch.runtime.session import Session

            state = Session(self.paths).enter()
            if state.warning:
                print(f"WARN: {state.warning}", file=sys.stderr)
            self._session_state = state
            self.layers.clean_stale_tmp()
        return self._session_state

    @cached_property
    def conn(self) -> sqlite3.Connection:
        from hutch.store import db

        if self._connections is not None:
            return self._connections.take()  # it makes the directory when it opens one
        self.paths.storage.mkdir(parents=True, exist_ok=True, mode=0o700)
        return db.connect(self.paths.database)

    def close(self) -> None:
        """Done with this context: its database connection goes back to the pool it
        came from (or is closed); the context is not to be used again."""
        conn = self.__dict__.pop("conn", None)
        if conn is None:
            return
        if self._connections is not None:
            self._connections.give_back(conn)
        else:
            conn.close()

    @cached_property
    def images(self) -> ImageStore:
        from hutch.store.images import ImageStore

        return ImageStore(self.conn)

    @cached_property
    def containers(self) -> ContainerStore:
        from hutch.store.containers import ContainerStore

        return ContainerStore(self.conn, self.paths)

    @cached_property
    def pods(self) -> PodStore:
        from hutch.store.pods import PodStore

        return PodStore(self.conn)

    @cached_property
    def volumes(self) -> VolumeStore:
        from hutch.store.volumes import VolumeStore

        return VolumeStore(self.conn, self.paths)

    @cached_property
    def layers(self) -> LayerStore:
        from hutch.store.layers import LayerStore

        return LayerStore(self.paths)

    def driver_known(self) -> bool:
        """Whether ``driver`` was chosen (it is cached once the session could be entered)."""
        return "driver" in self.__dict__

    @cached_property
    def driver(self) -> DriverChoice:
        from hutch.store.drivers import VFS_NOTE, choose_driver

        self.enter_session()
        choice = choose_driver(self.paths, self.settings.storage_driver)
        if choice.probed and choice.name == "vfs":
            print(f"NOTE: {VFS_NOTE.format(reason=choice.reason)}", file=sys.stderr)
        return choice


def context_factory(
    flags: GlobalFlags, *, keep_connections: bool = False
) -> Callable[[], EngineContext]:
    """The contexts of the store and settings the global flags choose: the one way
    to them, for the CLI, ``hutch.Client`` and the API service (engine/engine.py)
    and for the commands run later for a container (its cleanup, through the CLI;
    the /etc refresh before a restart, engine/etc_refresh.py), so that these see
    what the command that started it saw. The paths and settings are resolved
    once (the service builds a context per connection thread); each call of the
    result is a new context over them, which records the flags for the commands
    it starts: its paths and the modules' resolved paths, as podman gives its
    cleanup the modules it loaded. ``keep_connections`` (the service): a closed
    context's database connection is kept for the next (store/dbpool.py).
    ``InvalidArgument`` for a manager or backend hutch does not know, or a module
    it cannot find."""
    from dataclasses import replace

    from hutch.config.paths import default_paths
    from hutch.config.settings import check_cgroup_manager, check_events_backend, load_settings

    paths = default_paths(flags.root, flags.runroot)
    modules = _module_paths(flags.modules)
    # the runtime dir keeps the parsed containers.conf chain (config/containers_conf.py)
    settings = load_settings(paths.settings_file, modules, paths.runtime)
    if flags.storage_driver:  # wins over files and HUTCH_STORAGE_DRIVER
        settings = replace(settings, storage_driver=flags.storage_driver)
    if flags.cgroup_manager is not None:
        settings = replace(settings, cgroup_manager=check_cgroup_manager(flags.cgroup_manager))
    if flags.events_backend is not None:
        settings = replace(settings, events_logger=check_events_backend(flags.events_backend))
    _set_engine_env(settings.engine_env)
    later = replace(flags, root=str(paths.data), runroot=str(paths.runtime), modules=modules)
    if not keep_connections:
        return lambda: EngineContext(paths, settings, flags=later)
    from hutch.store.dbpool import ConnectionPool

    pool = ConnectionPool(paths.database)
    return lambda: EngineContext(paths, settings, pool, later)


def _module_paths(names: tuple[str, ...]) -> tuple[str, ...]:
    """``--module`` names as paths: a later command finds the same files whatever
    its working directory or module directories."""
    if not names:
        return ()
    from hutch.config import containers_conf as cc

    sources = cc.Sources.from_environ()
    return tuple(str(cc.resolve_module(name, sources)) for name in names)


def _set_engine_env(items: tuple[str, ...]) -> None:
    """containers.conf's ``[engine] env`` in hutch's own environment, as podman sets it
    at start: for what hutch does and the helpers it runs (a proxy for pulls), not
    for containers, but those of ``--env-host``, which start from hutch's own."""
    import os

    for item in items:
        name, _, value = item.partition("=")
        os.environ[name] = value

"""Shared state of one command: paths, settings, the session and the stores.

Built once per command and passed explicitly (no module-level singletons);
everything expensive (the database, the session namespace) is opened on
first use, so ``hutch images`` never pays for a namespace it does not need.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import TYPE_CHECKING

# Each part is imported where it is first used: ``hutch ps`` needs the
# database and the container store, not the session namespace (ctypes), the
# layer store (hashing) or the image store.
if TYPE_CHECKING:
    import sqlite3

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
        self, paths: Paths, settings: Settings, connections: ConnectionPool | None = None
    ) -> None:
        self.paths = paths
        self.settings = settings
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

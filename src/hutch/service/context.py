"""What every handler is given: this thread's client (``hutch.Client`` over an
engine of its own), the service's settings, and the state that lives as long
as the service (exec instances, attaches waiting for their container's start).

Why threads: the engine is blocking code (SQLite, files, fork/exec, waiting
on processes), so each connection runs in a thread of its own and a long
pull does not hold up a ``ps``. Each thread builds its own engine on first
use because an engine's SQLite connection belongs to the thread that opened
it; the session user namespace was joined by the main thread before any
other thread existed (``setns`` of a user namespace needs a single thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutch.api.engine import Engine
    from hutch.client.client import Client
    from hutch.service.sessions import Sessions


@dataclass(frozen=True)
class ServiceConfig:
    # A JSON body (create, update, exec) larger than this is refused with 413;
    # uploads (archive PUT, build contexts, loads) stream to disk and are not held.
    max_body: int = 4 * 1024 * 1024
    # An upload larger than this is refused with 413 (a full disk is not an answer).
    max_upload: int = 64 * 1024 * 1024 * 1024
    version: str = ""  # hutch's version, for /version and the Server header
    log_requests: bool = False  # --log-level debug/info: one line per request on stderr
    # --cors ORIGIN: podman's three CORS headers on every answer ("" sends none)
    cors: str = ""


class ServiceContext:
    def __init__(
        self,
        new_engine: Callable[[], Engine],
        config: ServiceConfig,
        sessions: Sessions,
        close_engine: Callable[[Engine], None] | None = None,
    ) -> None:
        self._new_engine = new_engine
        # an engine's end: its database connection kept for the next (store/dbpool.py)
        self._close_engine = close_engine
        self._local = threading.local()
        self.config = config
        self.sessions = sessions

    def client(self) -> Client:
        """This thread's ``hutch.Client`` (built on first use; see the module's doc):
        the verbs a script has; ``engine()`` for the rest."""
        client: Client | None = getattr(self._local, "client", None)
        if client is None:
            from hutch.client.client import Client

            client = Client.from_engine(self._new_engine())
            self._local.client = client
        return client

    def engine(self) -> Engine:
        """This thread's engine, the client's."""
        return self.client().engine

    def release_engine(self) -> None:
        """Drop this thread's client and engine (its request or thread ends); its database
        connection is closed or kept for the next thread's engine."""
        client: Client | None = getattr(self._local, "client", None)
        self._local.client = None
        if client is not None and self._close_engine is not None:
            self._close_engine(client.engine)

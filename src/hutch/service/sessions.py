"""State that lives as long as the service: exec instances (Docker creates an
exec, then starts it by id in another request) and attaches waiting for their
container to start (docker run attaches before it starts the container).

A waiting attach is handed over by the start request (``claim_attach``): the
attach's own thread then starts the container attached to its pipes, which
the engine connects before the command runs, so no early output is lost.
The start request answers once the container has left ``created``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from hutch.api.errors import NoSuchObject
from hutch.service.errors import ApiError

if TYPE_CHECKING:
    from hutch.api.containers import ExecOptions
    from hutch.api.engine import Engine
    from hutch.service.plumbing import Plumbing

START_TIMEOUT = 120.0  # seconds a start request waits for the attached start


@dataclass(frozen=True)
class ExecInstance:
    id: str
    container_id: str
    options: ExecOptions
    attach_stdin: bool
    attach_stdout: bool
    attach_stderr: bool
    running: bool = False
    started: bool = False
    exit_code: int | None = None
    pid: int = 0


class PendingAttach:
    """An attach to a created container, waiting for its start."""

    def __init__(self, container_id: str) -> None:
        self.container_id = container_id
        self._go = threading.Event()
        self._done = threading.Event()
        self.detach_keys: str | None = None
        self.error: ApiError | None = None
        self.cancelled = False

    def go(self, detach_keys: str | None) -> None:
        self.detach_keys = detach_keys
        self._go.set()

    def wait_go(self, timeout: float) -> bool:
        return self._go.wait(timeout)

    def failed(self, error: ApiError) -> None:
        self.error = error
        self._done.set()

    def finished(self) -> None:
        self._done.set()

    def wait_started(self, engine: Engine) -> None:
        """Until the container left ``created`` (or its attached start failed)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._done.wait(0.02):
                if self.error is not None:
                    raise self.error
                return
            try:
                status = engine.containers.inspect([self.container_id])[0].state.status
            except NoSuchObject:
                # It ran, exited and went with --rm between two looks: it did
                # start (a short command can beat this 20 ms poll).
                return
            if status != "created":
                return
        raise ApiError(500, f"container {self.container_id[:12]} did not start in time")


@dataclass
class Sessions:
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _execs: dict[str, ExecInstance] = field(default_factory=dict)
    _attaches: dict[str, list[PendingAttach]] = field(default_factory=dict)
    # exec id -> the write end of its terminal's size pipe, while it runs
    _resizers: dict[str, Plumbing] = field(default_factory=dict)

    # -- exec instances --------------------------------------------------------

    def add_exec(self, instance: ExecInstance) -> None:
        with self._lock:
            self._execs[instance.id] = instance

    def exec(self, exec_id: str) -> ExecInstance | None:
        with self._lock:
            return self._execs.get(exec_id)

    def update_exec(self, exec_id: str, **changes: object) -> ExecInstance | None:
        with self._lock:
            current = self._execs.get(exec_id)
            if current is None:
                return None
            updated = replace(current, **changes)  # type: ignore[arg-type]
            self._execs[exec_id] = updated
            return updated

    def set_resizer(self, exec_id: str, resizer: Plumbing | None) -> None:
        with self._lock:
            if resizer is None:
                self._resizers.pop(exec_id, None)
            else:
                self._resizers[exec_id] = resizer

    def resizer(self, exec_id: str) -> Plumbing | None:
        with self._lock:
            return self._resizers.get(exec_id)

    def forget_execs_of(self, container_id: str) -> None:
        with self._lock:
            for key in [k for k, v in self._execs.items() if v.container_id == container_id]:
                del self._execs[key]

    # -- attaches waiting for a start -------------------------------------------

    def add_attach(self, pending: PendingAttach) -> None:
        with self._lock:
            self._attaches.setdefault(pending.container_id, []).append(pending)

    def drop_attach(self, pending: PendingAttach) -> None:
        with self._lock:
            waiting = self._attaches.get(pending.container_id, [])
            if pending in waiting:
                waiting.remove(pending)
            if not waiting:
                self._attaches.pop(pending.container_id, None)

    def claim_attach(self, container_id: str) -> PendingAttach | None:
        with self._lock:
            waiting = self._attaches.get(container_id)
            if not waiting:
                return None
            pending = waiting.pop(0)
            if not waiting:
                del self._attaches[container_id]
            return pending

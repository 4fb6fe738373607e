"""State that lives as long as the service: exec instances (Docker creates an
exec, then starts it by id in another request) and attaches waiting for their
container to start (docker run attaches before it starts the container)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from hutch.api.containers import ExecOptions


@dataclass(frozen=True)
class ExecInstance:
    id: str
    container_id: str
    options: ExecOptions
    attach_stdin: bool
    attach_stdout: bool
    attach_stderr: bool
    running: bool = False
    exit_code: int | None = None
    pid: int = 0
    # the write end of the pipe a running terminal session reads its window size from
    resize_fd: int = -1


@dataclass
class Sessions:
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _execs: dict[str, ExecInstance] = field(default_factory=dict)

    def add_exec(self, instance: ExecInstance) -> None:
        with self._lock:
            self._execs[instance.id] = instance

    def exec(self, exec_id: str) -> ExecInstance | None:
        with self._lock:
            return self._execs.get(exec_id)

    def update_exec(self, exec_id: str, **changes: object) -> None:
        with self._lock:
            current = self._execs.get(exec_id)
            if current is not None:
                self._execs[exec_id] = replace(current, **changes)  # type: ignore[arg-type]

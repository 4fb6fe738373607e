"""What ``exec`` asks for and gets back: its options and its report.

Apart from api/containers.py (which re-exports both) because ``hutch exec``
needs only these two: importing the sixty other classes there, and
api/container_config.py's with them, was about a tenth of its start (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable  # loaded at start-up anyway (os imports it)
from dataclasses import dataclass


@dataclass(frozen=True)
class ExecOptions:
    container: str
    command: tuple[str, ...]
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    user: str | None = None
    workdir: str | None = None
    detach: bool = False
    detach_keys: str | None = None
    privileged: bool = False  # every capability, as podman exec --privileged
    # Our descriptors 3 .. 3+N-1 become the process's (podman's --preserve-fds N)
    preserve_fds: int = 0
    # The process's stdin, stdout and stderr (an API server's pipes); with a
    # terminal, the terminal is relayed to stdio[0] and stdio[1]. No signal is
    # proxied then (a server's signals are its own). None: this process's own.
    stdio: tuple[int, int, int] | None = None
    session_id: str | None = None  # the exec session's id (None: a new one)
    # With a terminal and stdio: a pipe of "ROWS COLS" lines, the window size.
    resize_fd: int | None = None
    window: tuple[int, int] | None = None  # the terminal's first size (rows, columns)
    # Called with the process's pid once it runs (a server's Pid of the exec, and
    # the process to hang up when its client leaves) and its pid in the container.
    on_start: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class ExecReport:
    """One exec session: its id (podman prints it for ``exec -d``) and exit code."""

    session_id: str
    exit_code: int | None  # None: detached, still running

"""The options and reports of the verbs that make, start, stop and remove containers.

Apart from api/containers.py (which re-exports them) because ``create``, ``run``,
``stop`` and ``rm`` need only these: importing the sixty other classes there
(inspect's, stats', logs', the protocols) was about 7 ms of ``hutch create``'s
start (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartOptions:
    attach: bool = False
    interactive: bool = False
    detach_keys: str | None = None  # attached: None is the container's own keys
    sig_proxy: bool = True
    # Attached: the descriptors that stand for stdin, stdout and stderr (an API
    # server's pipes; never put in raw mode, no SIGWINCH); None: this process's own.
    stdio: tuple[int, int, int] | None = None
    # With stdio: a descriptor that becomes readable when the server's client has
    # gone; the relay then ends as a detach does (the container runs on).
    hangup_fd: int | None = None
    # Beyond the names: every container, the latest created, or those the
    # filters of ps match (each options class of a verb on many has them).
    all: bool = False
    latest: bool = False
    filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class StopOptions:
    """``stop`` and ``restart``."""

    timeout: int | None = None  # seconds; None: the container's own; negative: no limit
    all: bool = False
    ignore: bool = False
    latest: bool = False
    filters: tuple[str, ...] = ()
    running: bool = False  # restart --running: only the running ones of --all


@dataclass(frozen=True)
class RemoveContainerOptions:
    force: bool = False
    all: bool = False
    ignore: bool = False
    timeout: int | None = None
    volumes: bool = False
    latest: bool = False
    filters: tuple[str, ...] = ()
    depend: bool = False  # first the containers that depend on it (their namespaces)


@dataclass(frozen=True)
class KillOptions:
    signal: str = "KILL"
    all: bool = False
    latest: bool = False
    ignore: bool = False


@dataclass(frozen=True)
class WaitOptions:
    conditions: tuple[str, ...] = ()  # empty: stopped or exited
    interval: str = "250ms"  # between two looks at the state: a Go duration, bare is ms
    ignore: bool = False  # a missing container: exit code -1, no error
    latest: bool = False


@dataclass(frozen=True)
class CleanupOptions:
    """``container cleanup`` (podman's): what a stopped container leaves, cleared; also
    what a detached monitor runs once its container exits for good."""

    all: bool = False
    latest: bool = False
    exec_session: str | None = None  # --exec: that exec session of the one container
    remove: bool = False  # --rm: then remove the container
    remove_image: bool = False  # --rmi: then remove its image (unless in use)


@dataclass(frozen=True)
class RunReport:
    id: str
    exit_code: int | None  # None when detached
    # --log-driver passthrough: the container's streams are the caller's, and podman's
    # run -d prints no id into them
    passthrough: bool = False


@dataclass(frozen=True)
class ActionReport:
    """One per container named in stop/kill/rm/start: its id, or why it failed."""

    name: str
    # start's error reports carry it too when the container was found and its start
    # failed: podman's CLI names the container in those words, not in a lookup's
    id: str = ""
    error: str | None = None
    exit_code: int = 0
    # Already as asked, nothing done: podman prints no line for it (start of a
    # running container); a caller that wants the id still has it.
    unchanged: bool = False

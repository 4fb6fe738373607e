"""Options of the container life-cycle commands: exec, attach, top, health.

``LifecycleOptions`` is the group of ``run``/``create`` flags this area adds
(``RunOptions.lifecycle``); the others are the options of their own verbs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q"


@dataclass(frozen=True)
class HealthOptions:
    """``--health-*`` flags; None leaves the image's value (or the default)."""

    cmd: str | None = None  # a shell command, or a JSON array (CMD form)
    interval: str | None = None  # Go durations
    timeout: str | None = None
    start_period: str | None = None
    retries: int | None = None
    disabled: bool = False  # --no-healthcheck


@dataclass(frozen=True)
class LifecycleOptions:
    init: bool = False
    health: HealthOptions = field(default_factory=HealthOptions)
    detach_keys: str | None = None  # None: the default (ctrl-p,ctrl-q)
    sig_proxy: bool = True


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


@dataclass(frozen=True)
class AttachOptions:
    container: str
    no_stdin: bool = False
    detach_keys: str | None = None
    sig_proxy: bool = True

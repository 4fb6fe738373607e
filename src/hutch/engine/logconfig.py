"""``--log-driver`` and ``--log-opt``: checked, then turned into the monitor's LogSpec.

podman's names and units: ``k8s-file`` (the default), ``json-file`` (here
written in Docker's own JSON-lines format, so tools made for Docker's logs
read it), ``none``; options ``max-size`` (``10mb``, ``512k``; rotation
before the file would pass it), ``max-file`` (files kept, the live one
included; 1 means the log starts over, as podman's does), ``path`` (an
absolute file for the log) and ``tag`` (kept in ``inspect``).
``passthrough`` gives the container its caller's own standard streams (no
log; refused where one of them is a terminal, as podman's, since a process
of the container could push input into it with TIOCSTI); ``passthrough-tty``
is the same, allowed on a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from hutch.api.container_config import LogOptions
from hutch.api.errors import InvalidArgument
from hutch.runtime.logfile import DRIVERS, K8S_FILE, PASSTHROUGH, PASSTHROUGH_DRIVERS
from hutch.runtime.spec_log import LogSpec

DEFAULT_FILE = "ctr.log"
OPTION_KEYS = ("max-size", "max-file", "path", "tag")
# podman's drivers hutch has no writer for: refused in hutch's words, naming its own
_PODMAN_ONLY = ("journald",)


def log_spec(driver: str, opts: Sequence[str], bundle: Path, *, check: bool = True) -> LogSpec:
    """The monitor's log settings; bad flags raise InvalidArgument (exit 125).

    ``check=False`` skips what can change after the container was made
    (the log directory's existence).
    """
    driver = driver or K8S_FILE
    if driver in _PODMAN_ONLY:
        raise InvalidArgument(f"invalid --log-driver {driver!r}: use one of {', '.join(DRIVERS)}")
    if driver not in DRIVERS:  # podman's words (libpod's WithLogDriver)
        raise InvalidArgument(
            "running container create option: invalid log driver: invalid argument"
        )
    values: dict[str, str] = {}
    for opt in opts:
        key, sep, value = opt.partition("=")
        if not sep:
            raise InvalidArgument(f'invalid log option "{opt}"')  # podman's words
        if key not in OPTION_KEYS:  # podman keeps any key; hutch refuses it (documented)
            raise InvalidArgument(
                f"invalid --log-opt {opt!r}: use KEY=VALUE with KEY one of {', '.join(OPTION_KEYS)}"
            )
        values[key] = value
    max_size = 0
    if "max-size" in values:
        # Lazily: ps and inspect read log settings; the cgroup code is not theirs to load.
        from hutch.engine.resources import parse_size

        max_size = parse_size(values["max-size"], "--log-opt max-size")
    max_files = 1
    if "max-file" in values:
        text = values["max-file"]
        if not text.isdigit() or int(text) < 1:
            raise InvalidArgument(f"invalid --log-opt max-file={text!r}: use a number of 1 or more")
        max_files = int(text)
    path = values.get("path", "")
    if path and not os.path.isabs(path):
        raise InvalidArgument(f"invalid --log-opt path={path!r}: the path must be absolute")
    if check and path and not os.path.isdir(os.path.dirname(path)):
        raise InvalidArgument(f"invalid --log-opt path={path!r}: its directory does not exist")
    return LogSpec(
        driver=driver,
        path=path or str(bundle / DEFAULT_FILE),
        max_size=max_size,
        max_files=max_files,
        tag=values.get("tag", ""),
    )


def log_spec_of(log: LogOptions, bundle: Path) -> LogSpec:
    """The LogSpec of a container from its recorded options (valid when it was made)."""
    try:
        return log_spec(log.driver, log.opts, bundle, check=False)
    except InvalidArgument:
        return LogSpec(path=str(bundle / DEFAULT_FILE))


def check(driver: str, opts: Sequence[str]) -> None:
    """Refuse bad log flags before anything of the container exists."""
    log_spec(driver, opts, Path("/"))


def passes_streams(driver: str) -> bool:
    """Whether the container's standard streams are its caller's own (passthrough)."""
    return driver in PASSTHROUGH_DRIVERS


def check_streams(driver: str, tty: bool, streams: Sequence[int] = (0, 1, 2)) -> None:
    """Refuse a passthrough container this command cannot give its streams to.

    ``driver``: the log driver once containers.conf's default is in (podman's check
    sees that too); ``streams``: the caller's stdin, stdout and stderr.
    """
    if not passes_streams(driver):
        return
    if tty:
        # hutch's own refusal: podman 4.3.1 runs it, and its output goes nowhere (the
        # terminal it makes is relayed by no one, the caller's streams are not it)
        raise InvalidArgument(
            f"the '--log-driver {driver}' option cannot be used with --tty: the container's "
            "standard streams are the caller's own, and no terminal is relayed"
        )
    if driver == PASSTHROUGH and any(os.isatty(fd) for fd in streams):
        raise InvalidArgument(  # current podman's words
            "the '--log-driver passthrough' option cannot be used on a TTY.  "
            "If you really want it, use '--log-driver passthrough-tty'"
        )


def without_log_message(driver: str, what: str) -> str:
    """podman's refusal of ``logs`` (``what`` "read logs") or ``attach`` ("attach")
    for a container of the ``none`` or a passthrough driver."""
    return (
        f"this container is using the '{driver}' log driver, cannot {what}: "
        "this container is not logging output"
    )

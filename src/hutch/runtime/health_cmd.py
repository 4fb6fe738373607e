"""What a health check runs and the statuses it reports: pure, without the runtime.

``run`` and ``create`` check ``--health-cmd`` and an image's ``Healthcheck``
through these; ``runtime/health.py`` (which runs the checks) imports
``runtime/exec.py`` and with it the container's whole init, which the CLI
never needs (about 10 ms of imports on run's path).
"""

from __future__ import annotations

import json

STARTING = "starting"
HEALTHY = "healthy"
UNHEALTHY = "unhealthy"


def command_of(test: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    """argv of an image's ``Test``: ["CMD", ...], ["CMD-SHELL", cmd]; None for ["NONE"]."""
    if not test or test[0] == "NONE":
        return None
    if test[0] == "CMD":
        return tuple(test[1:]) or None
    if test[0] == "CMD-SHELL":
        return ("/bin/sh", "-c", " ".join(test[1:])) if len(test) > 1 else None
    return tuple(test)  # a bare argv, as some tools write it


def parse_health_cmd(text: str) -> tuple[str, ...] | None:
    """``--health-cmd``: a JSON array is a Test (or argv); anything else a shell command."""
    if text.strip().startswith("["):
        value = json.loads(text)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("the JSON form must be an array of strings")
        if value and value[0] in ("CMD", "CMD-SHELL", "NONE"):
            return command_of(value)
        return tuple(value) or None
    if text in ("", "none", "NONE"):
        return None
    return ("/bin/sh", "-c", text)

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
    """argv of a ``Test``: ["CMD", ...], ["CMD-SHELL", cmd] through ``/bin/sh -c`` (as
    podman runs it); None for ["NONE"]."""
    if not test or test[0] == "NONE":
        return None
    if test[0] == "CMD":
        return tuple(test[1:]) or None
    if test[0] == "CMD-SHELL":
        return ("/bin/sh", "-c", " ".join(test[1:])) if len(test) > 1 else None
    return tuple(test)  # a bare argv, as some tools write it


def recorded_test(text: str) -> tuple[str, ...]:
    """``--health-cmd`` as podman records it (``.Config.Healthcheck.Test``).

    A JSON array of strings: one that starts with CMD, CMD-SHELL or NONE (in any
    case) as it is, an argv of two or more as ["CMD", ...], one string as
    ["CMD-SHELL", it]. Any other text (a JSON array is not, as in podman) is a shell
    command, ["CMD-SHELL", text], but ``none`` (["NONE"]) and the Docker forms
    ``CMD PROG ARG...`` (split at blanks) and ``CMD-SHELL COMMAND``. podman 4.3.1
    records a JSON array that starts with CMD or NONE as the one string it was
    typed as, which runs nothing: hutch keeps the array (README, differences)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if not value:
            # podman's words
            raise ValueError("must define a healthcheck command for all healthchecks")
        head = value[0].upper()
        if head == "NONE":
            return ("NONE",)
        if head in ("CMD", "CMD-SHELL"):
            return (head, *value[1:])
        return ("CMD", *value) if len(value) > 1 else ("CMD-SHELL", value[0])
    word, _, rest = text.partition(" ")
    head = word.upper()
    if head == "NONE":
        return ("NONE",)
    if head == "CMD":
        return ("CMD", *text.split()[1:])
    if head == "CMD-SHELL":
        return ("CMD-SHELL", rest)
    return ("CMD-SHELL", text)


def parse_health_cmd(text: str) -> tuple[str, ...] | None:
    """The argv ``--health-cmd`` runs (None: none, or the empty text)."""
    return command_of(recorded_test(text)) if text else None

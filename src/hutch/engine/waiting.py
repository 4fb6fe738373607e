"""``wait``: poll a container until it reaches one of the conditions asked for.

podman's conditions are container states plus ``healthy``/``unhealthy``,
``stopped`` (exited or created) and ``removing``; the exit code is printed
only when the container stopped, -1 for every other condition.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from hutch.api.errors import HutchError, InvalidArgument
from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.util.durations import parse_duration

STATES = (
    "configured",
    "created",
    "exited",
    "initialized",
    "paused",
    "removing",
    "running",
    "stopped",
    "stopping",
)
HEALTH = ("healthy", "unhealthy")
STOPPED = frozenset({"stopped", "exited"})


def conditions(given: Sequence[str]) -> frozenset[str]:
    for condition in given:
        if condition not in STATES and condition not in HEALTH:
            # podman's words (its state parser's error, ErrInvalidArg)
            raise InvalidArgument(f"unknown container state: {condition}: invalid argument")
    return frozenset(given or ("stopped",))


def interval(text: str) -> float:
    """Seconds in ``--interval``: a Go duration, or a bare number of milliseconds."""
    if re.fullmatch(r"\d+(\.\d+)?", text.strip()):
        return float(text) / 1000
    try:
        return parse_duration(text)
    except ValueError:
        unit = re.fullmatch(r"[-+]?[\d.]+([^\d.]+)", text.strip())
        if unit:  # Go's two messages
            raise InvalidArgument(f'time: unknown unit "{unit[1]}" in duration "{text}"') from None
        raise InvalidArgument(f'time: invalid duration "{text}"') from None


def _now(container: cs.Container) -> set[str]:
    status = cs.status_of(container)
    names = {status}
    # podman 4.3.1: a created container is "stopped" to a wait, an initialized one
    # neither that nor "created" (a wait for either blocks until it ran and exited)
    if status in (st.EXITED, st.CREATED):
        names.add("stopped")
    if status == st.CREATED:
        names.add("configured")
    if container.state.health.status:
        names.add(container.state.health.status)
    return names


def until(ctx: EngineContext, container: cs.Container, wanted: frozenset[str], pause: float) -> int:
    """Poll until a wanted condition holds; the exit code (-1 unless it stopped).

    A container removed while waited for (``run --rm`` takes it away as soon
    as it exits) ends the wait: its last exit code when a stop was wanted.
    """
    current = container
    while True:
        met = _now(current) & wanted
        if met:
            return current.state.exit_code if met & STOPPED else -1
        time.sleep(pause)
        if not ctx.containers.lookup(container.record.id):
            return current.state.exit_code if wanted & STOPPED else -1
        try:
            current = cs.load(ctx, container.record)
        except HutchError:
            return -1

"""A signal as podman's ``--stop-signal`` and ``kill --signal`` take it.

Its own module so that ``stop``, ``kill`` and ``rm`` read a stop signal without
loading the create plan (the run/create half of the engine).
"""

from __future__ import annotations

from hutch.api.errors import InvalidArgument
from hutch.util import signames


def parse_signal(text: str, *, kill: bool = False) -> int:
    """A signal as podman's ``--stop-signal`` (or ``kill --signal``) takes it."""
    try:
        return signames.parse_for_kill(text) if kill else signames.parse_stop_signal(text)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from exc

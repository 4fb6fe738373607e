"""Signal names and numbers as podman parses them (containers/common's signal map).

A signal is a number or a name, with or without ``SIG``, in any case; the
real-time signals are ``RTMIN``, ``RTMIN+1`` ... ``RTMAX-1``, ``RTMAX``
(34 to 64 on Linux, as glibc keeps 32 and 33). ``kill`` also strips one
leading ``-`` (``kill -s -9``, the kill(1) habit) and then takes only 1 to 64.
A bad signal is a ValueError with podman's message (the engine makes it an
InvalidArgument: this module is layer 0, standard library only).
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # mypy reads the name alike
if TYPE_CHECKING:
    # typeshed has no stub of _signal: signal's constants are its own
    import signal as _signal
else:
    # The C module's constants rather than the ``signal`` module: its three enums
    # cost ``create`` an import (the spec's stop signal is parsed at every create).
    import _signal

RTMIN = 34
RTMAX = 64
_NUMBER = r"[+-]?[0-9]+"  # what Go's strconv.Atoi takes


def _canonical() -> list[tuple[str, int]]:
    """``signal.Signals``'s members, in its order: the C module's ``SIG*`` constants
    (the enum's own rule), by number then name, the first name of each number (the
    others are the enum's aliases)."""
    found = sorted(
        ((key, value) for key, value in vars(_signal).items()
         if key.isupper() and key.startswith("SIG") and not key.startswith("SIG_")),
        key=lambda item: (item[1], item[0]),
    )  # fmt: skip
    seen: set[int] = set()
    out = []
    for key, value in found:
        if value not in seen:
            seen.add(value)
            out.append((key, value))
    return out


def _names() -> dict[str, int]:
    names = {
        key.removeprefix("SIG"): value for key, value in _canonical() if not key.startswith("SIGRT")
    }
    # Linux aliases podman's map has and Python's enum may name differently
    names.update(CLD=_signal.SIGCHLD, IOT=_signal.SIGABRT, POLL=_signal.SIGIO)
    names["RTMIN"] = RTMIN
    names["RTMAX"] = RTMAX
    for offset in range(1, 16):
        names[f"RTMIN+{offset}"] = RTMIN + offset
        names[f"RTMAX-{offset}"] = RTMAX - offset
    return names


def parse(text: str) -> int:
    """podman's ParseSignal: a number (not 0) or a name; other numbers are not checked."""
    if re.fullmatch(_NUMBER, text):
        number = int(text)
        if number == 0:
            raise ValueError(f"invalid signal: {text}")
        return number
    found = _names().get(text.upper().removeprefix("SIG"))
    if found is None:
        raise ValueError(f"invalid signal: {text}")
    return found


def parse_for_kill(text: str) -> int:
    """podman's util.ParseSignal (``kill --signal``, ``--stop-signal``): one leading
    ``-`` dropped, then a signal of 1 to 64 (podman's messages)."""
    number = parse(text.removeprefix("-"))
    if not 1 <= number <= RTMAX:
        raise ValueError(f"valid signals are 1 through {RTMAX}")
    return number


parse_stop_signal = parse_for_kill  # podman parses both with the one function


def docker_name(text: str) -> str:
    """A signal as podman's inspect shows ``.Config.StopSignal`` (its ToDockerFormat):
    ``SIGUSR1`` for ``usr1``, ``10`` or ``-USR1``; ``text`` itself if it names none."""
    try:
        return name(parse_for_kill(text))
    except ValueError:
        return text


def name(number: int) -> str:
    """``SIGTERM``, ``SIGRTMIN+2``; the number itself for one without a name."""
    for key, value in _names().items():  # canonical names come first
        if value == number:
            return "SIG" + key
    return str(number)

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
import signal

RTMIN = 34
RTMAX = 64
_NUMBER = re.compile(r"[+-]?[0-9]+")  # what Go's strconv.Atoi takes


def _names() -> dict[str, int]:
    names = {
        member.name.removeprefix("SIG"): int(member.value)
        for member in signal.Signals
        if not member.name.startswith("SIGRT")
    }
    # Linux aliases podman's map has and Python's enum may name differently
    names.update(CLD=signal.SIGCHLD, IOT=signal.SIGABRT, POLL=signal.SIGIO)
    names["RTMIN"] = RTMIN
    names["RTMAX"] = RTMAX
    for offset in range(1, 16):
        names[f"RTMIN+{offset}"] = RTMIN + offset
        names[f"RTMAX-{offset}"] = RTMAX - offset
    return names


def parse(text: str) -> int:
    """podman's ParseSignal: a number (not 0) or a name; other numbers are not checked."""
    if _NUMBER.fullmatch(text):
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

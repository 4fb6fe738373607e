"""The restart policy: ``no``, ``always``, ``unless-stopped``, ``on-failure[:N]``.

Parsed once, from the flag, when the container is created; the container's
record keeps the typed value, ``inspect`` shows it, and the monitor (which
gets its text form on its command line) applies it. ``update --restart``
changes it later: the record, and a file in the bundle that a running
monitor reads each time its container exits (``current``). Standard library
only: the monitor imports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The policy update set, in the container's bundle; it outranks the monitor's --restart
POLICY_FILE = "restart-policy"
NO = "no"
ALWAYS = "always"
UNLESS_STOPPED = "unless-stopped"
ON_FAILURE = "on-failure"


class UnknownPolicy(ValueError):
    """A policy whose name is none of podman's."""


@dataclass(frozen=True)
class RestartPolicy:
    name: str = NO
    # on-failure only: restarts allowed (None: no limit; "on-failure:0" never restarts)
    max_retries: int | None = None

    @classmethod
    def parse(cls, text: str) -> RestartPolicy:
        """The policy ``text`` names; ValueError with podman's words for the user
        (UnknownPolicy for a name that is none, which podman's create words apart)."""
        if not text:
            return cls(NO)  # podman's unset policy ("") restarts nothing, as no
        parts = text.split(":")
        if len(parts) > 2:
            raise ValueError("invalid restart policy: may specify retries at most once")
        name = parts[0]
        if len(parts) == 1:
            if name == "never":
                return cls(NO)  # current podman's synonym of no
            if name in (NO, ALWAYS, UNLESS_STOPPED, ON_FAILURE):
                return cls(name)
            raise UnknownPolicy(f'"{text}" is not a valid restart policy: invalid argument')
        if name.lower() != ON_FAILURE:
            raise ValueError(
                "restart policy retries can only be specified with on-failure restart policy"
            )
        count = parts[1]
        digits = count[1:] if count[:1] in ("+", "-") else count
        if not (digits.isascii() and digits.isdigit()):  # Go's strconv.Atoi
            raise ValueError(
                f'parsing restart policy retry count: strconv.Atoi: parsing "{count}": '
                "invalid syntax"
            )
        if int(count) < 0:
            raise ValueError("must specify restart policy retry count as a number greater than 0")
        if name != ON_FAILURE:  # ON-FAILURE:3 passes podman's first check, not libpod's
            raise UnknownPolicy(f'"{name}" is not a valid restart policy: invalid argument')
        return cls(name, int(count))

    def __str__(self) -> str:
        """The text ``parse`` reads back."""
        if self.max_retries is None:
            return self.name
        return f"{self.name}:{self.max_retries}"

    @property
    def enabled(self) -> bool:
        return self.name != NO

    def should_restart(self, code: int, restarts: int, stopped: bool) -> bool:
        """Whether a run that ended with ``code`` is followed by another (Docker's rules)."""
        if stopped or self.name == NO:
            return False
        if self.name in (ALWAYS, UNLESS_STOPPED):
            return True
        if code == 0:
            return False
        return self.max_retries is None or restarts < self.max_retries


def write_current(bundle: Path, policy: RestartPolicy) -> None:
    """Make ``policy`` the one a running monitor applies from the next exit on."""
    tmp = bundle / f".{POLICY_FILE}.tmp"
    tmp.write_text(str(policy))
    os.replace(tmp, bundle / POLICY_FILE)


def current(bundle: Path, given: RestartPolicy) -> RestartPolicy:
    """The policy in force: the one update wrote last, else the monitor's ``given``."""
    try:
        return RestartPolicy.parse((bundle / POLICY_FILE).read_text().strip())
    except (OSError, ValueError):
        return given

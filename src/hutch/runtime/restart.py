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


@dataclass(frozen=True)
class RestartPolicy:
    name: str = NO
    # on-failure only: restarts allowed (None: no limit; "on-failure:0" never restarts)
    max_retries: int | None = None

    @classmethod
    def parse(cls, text: str) -> RestartPolicy:
        """The policy ``text`` names; ValueError with the message for the user."""
        name, _, count = text.partition(":")
        if not text:
            return cls(NO)  # podman's unset policy ("") restarts nothing, as no
        if name == "never" and not count:
            return cls(NO)  # current podman's synonym of no
        if name in (NO, ALWAYS, UNLESS_STOPPED, ON_FAILURE) and not count:
            return cls(name)
        if name == ON_FAILURE and count.isdigit():
            return cls(name, int(count))
        if name == ON_FAILURE and count.removeprefix("-").isdigit():
            raise ValueError("must specify restart policy retry count as a number greater than 0")
        if name == ON_FAILURE:  # podman's (Go's) words for a count that is no number
            raise ValueError(
                f'parsing restart policy retry count: strconv.Atoi: parsing "{count}": '
                "invalid syntax"
            )
        raise ValueError(
            f"invalid restart policy {text!r}: use no (or never), always, unless-stopped or "
            "on-failure[:N]"
        )

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

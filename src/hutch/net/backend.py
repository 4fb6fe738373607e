"""Which program connects a private network namespace: pasta, else slirp4netns."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

BACKENDS = ("pasta", "slirp4netns")
TUN = "/dev/net/tun"


@dataclass(frozen=True)
class BackendChoice:
    name: str  # "pasta", "slirp4netns", or "" when none can work
    reason: str  # why this one, or what is missing and how to fix it


def tun_problem() -> str | None:
    """Both backends create a tap device in the container's namespace."""
    try:
        fd = os.open(TUN, os.O_RDWR)
    except FileNotFoundError:
        return f"{TUN} does not exist (as root: modprobe tun)"
    except PermissionError:
        return (
            f"{TUN} is not usable by this user (mode {os.stat(TUN).st_mode & 0o777:o}); "
            f"as root: chmod 0666 {TUN}"
        )
    except OSError as exc:
        return f"{TUN} cannot be opened: {exc.strerror}"
    os.close(fd)
    return None


def choose_backend(setting: str = "") -> BackendChoice:
    """The ``[network] backend`` setting if given, else pasta, else slirp4netns."""
    if setting and setting not in BACKENDS:
        return BackendChoice("", f"unknown [network] backend {setting!r}: use pasta or slirp4netns")
    candidates = (setting,) if setting else BACKENDS
    found = [name for name in candidates if shutil.which(name)]
    if not found:
        wanted = " or ".join(candidates)
        return BackendChoice("", f"{wanted} not found (install the Debian package passt)")
    problem = tun_problem()
    if problem:
        return BackendChoice("", problem)
    why = "set in [network] backend" if setting else "found on PATH"
    return BackendChoice(found[0], why)

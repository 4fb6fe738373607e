"""Which program connects a private network namespace: pasta, else slirp4netns."""

from __future__ import annotations

import os
from dataclasses import dataclass

from hutch.util.tools import which

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
    found = [name for name in candidates if which(name)]
    if not found:
        wanted = " or ".join(candidates)
        return BackendChoice("", f"{wanted} not found (install the Debian package passt)")
    problem = tun_problem()
    if problem:
        return BackendChoice("", problem)
    why = "set in [network] backend" if setting else "found on PATH"
    return BackendChoice(found[0], why)


# Debian 12's pasta (git 2023-03-09, "unknown version") sends a spliced UDP reply
# from the wrong port, so a UDP client on the host's loopback never gets an answer;
# the spliced UDP path was reworked upstream in the 2024 releases.
_PASTA_UDP_FIXED = 20240101


def pasta_loses_loopback_udp(version_text: str | None = None) -> bool:
    """True for a pasta whose replies to loopback UDP clients get lost (or of unknown age)."""
    import re
    import subprocess

    if version_text is None:
        try:
            version_text = subprocess.run(
                [which("pasta") or "pasta", "--version"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return True
    first = version_text.strip().splitlines()[0] if version_text.strip() else ""
    found = re.search(r"(20\d\d)[_.-]?(\d\d)[_.-]?(\d\d)", first)
    return found is None or int("".join(found.groups())) < _PASTA_UDP_FIXED

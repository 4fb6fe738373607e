"""Differential: a command line's mistakes (an unknown flag, a flag without its value,
a value its type refuses, too many or too few arguments, an unknown command), through
hutch and Debian's podman 4.3.1, compared by exit code and the first line of stderr
(issue 15). podman names itself where hutch names itself ("`podman ps` takes no
arguments"): its name is read as hutch's."""

from __future__ import annotations

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

CASES = [
    # unknown flags
    ("ps", "--bogus"),
    ("ps", "-Z"),
    ("run", "--bogus", "base"),
    ("volume", "ls", "--bogus"),
    # a flag without its value
    ("ps", "--filter"),
    ("ps", "-f"),
    ("run", "--name"),
    ("run", "--rm", "-e"),
    ("logs", "--since"),
    ("--log-level",),
    # values their flag's type refuses
    ("ps", "--last", "abc"),
    ("ps", "-n=x"),
    ("ps", "--size=maybe"),
    ("stop", "-t", "abc", "x"),
    ("stop", "--time=1.5", "x"),
    ("rm", "-t", "abc", "x"),
    ("logs", "--tail", "abc", "x"),
    ("search", "--limit", "x", "a"),
    ("run", "--rm", "--stop-timeout", "abc", "base", "true"),
    ("run", "--rm", "--cpu-period", "abc", "base", "true"),
    ("run", "--rm", "--oom-score-adj", "abc", "base", "true"),
    ("run", "--rm", "--blkio-weight", "abc", "base", "true"),
    ("run", "--rm", "--cpus", "abc", "base", "true"),
    ("run", "--rm", "--memory", "abc", "base", "true"),
    ("run", "--rm", "--memory-reservation", "1x", "base", "true"),
    ("run", "--rm", "--rm=maybe", "base", "true"),
    ("wait", "--interval", "abc", "x"),
    ("generate", "systemd", "--restart-sec", "x", "a"),
    # too few or too many arguments: cobra's validators
    ("pull",),
    ("push", "a", "b", "c"),
    ("tag", "a"),
    ("history",),
    ("history", "a", "b"),
    ("commit",),
    ("export", "a", "b"),
    ("rename", "a"),
    ("cp", "a"),
    ("volume", "create", "a", "b"),
    ("network", "rm"),
    ("network", "connect", "a"),
    ("secret", "create", "a"),
    ("image", "exists"),
    ("images", "a", "b"),
    ("run",),
    ("ps", "x"),
    ("load", "x"),
    # podman's own words for none at all
    ("inspect",),
    ("logs",),
    ("top",),
    ("port",),
    ("port", "a", "b", "c"),
    ("save",),
    ("exec",),
    ("rm",),
    ("volume", "rm"),
    ("pod", "rm"),
    ("pod", "logs"),
    ("pod", "top"),
    ("pod", "inspect"),
    ("attach", "a", "b"),
    ("container", "attach", "a", "b"),
    ("pod", "logs", "a", "b"),
    # unknown commands
    ("bogus-command",),
    ("volume", "bogus"),
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_usage_errors_as_podman(
    hutch: Hutch, base_image: str, podman: Run, args: tuple[str, ...]
) -> None:
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    first = (theirs.stderr.splitlines() or [""])[0].replace("podman", "hutch")
    assert (ours.returncode, (ours.stderr.splitlines() or [""])[0]) == (
        theirs.returncode,
        first,
    )
    assert ours.returncode == 125

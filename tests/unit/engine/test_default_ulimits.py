"""podman's default RLIMIT_NOFILE and RLIMIT_NPROC for a container (what podman 4.3.1
put in its spec and inspect showed on the same host), from hutch's own limits."""

from __future__ import annotations

from pathlib import Path

from hutch.engine.security import RLIMIT_DEFAULT, own_limits, with_default_ulimits
from hutch.runtime.spec_security import Ulimit

LIMITS = """\
Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96367                96367                processes
Max open files            1024                 20000                files
Max pending signals       96367                96367                signals
"""


def test_nofile_first_at_its_hard_limit_then_the_rest_and_nproc_last(tmp_path: Path) -> None:
    limits = tmp_path / "limits"
    limits.write_text(LIMITS)
    path = str(limits)
    assert with_default_ulimits((), path) == (
        Ulimit("nofile", 20000, 20000),
        Ulimit("nproc", 96367, 96367),
    )
    given = (Ulimit("core", 1, 1), Ulimit("nproc", 7, 7), Ulimit("cpu", 5, 6))
    assert with_default_ulimits(given, path) == (Ulimit("nofile", 20000, 20000), *given)
    own = (Ulimit("nofile", 100, 200),)
    assert with_default_ulimits(own, path) == (*own, Ulimit("nproc", 96367, 96367))


def test_unlimited_and_above_podmans_default_are_clamped(tmp_path: Path) -> None:
    limits = tmp_path / "limits"
    limits.write_text(
        "Max processes             unlimited            unlimited            processes\n"
        "Max open files            1024                 4194304              files\n"
    )
    assert own_limits(str(limits)) == {
        "nproc": (RLIMIT_DEFAULT, RLIMIT_DEFAULT),
        "nofile": (1024, RLIMIT_DEFAULT),
    }
    assert own_limits(str(tmp_path / "missing")) == {}
    assert with_default_ulimits((), str(tmp_path / "missing")) == ()

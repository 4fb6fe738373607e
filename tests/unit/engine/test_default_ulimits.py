"""podman's default RLIMIT_NOFILE and RLIMIT_NPROC for a container (what podman 4.3.1
put in its spec and inspect showed on the same host), from hutch's own limits and
the kernel's pid_max."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.engine.security import RLIMIT_DEFAULT, podman_nproc, with_default_ulimits
from hutch.runtime.spec_security import Ulimit

LIMITS = """\
Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96367                96367                processes
Max open files            1024                 20000                files
Max pending signals       96367                96367                signals
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    limits, pid_max = tmp_path / "limits", tmp_path / "pid_max"
    limits.write_text(LIMITS)
    pid_max.write_text("32768\n")
    return str(limits), str(pid_max)


def test_nofile_first_at_its_hard_limit_then_the_rest_and_nproc_last(
    files: tuple[str, str],
) -> None:
    assert with_default_ulimits((), *files) == (
        Ulimit("nofile", 20000, 20000),
        Ulimit("nproc", 32768, 32768),  # pid_max, below the user's 96367
    )
    given = (Ulimit("core", 1, 1), Ulimit("nproc", 7, 7), Ulimit("cpu", 5, 6))
    assert with_default_ulimits(given, *files) == (Ulimit("nofile", 20000, 20000), *given)
    own = (Ulimit("nofile", 100, 200),)
    assert with_default_ulimits(own, *files) == (*own, Ulimit("nproc", 32768, 32768))


def test_nproc_is_pid_max_where_podman_may_lower_its_own_to_it() -> None:
    assert podman_nproc((96367, 96367), 32768) == (32768, 32768)
    assert podman_nproc((1000, None), 4194304) == (4194304, 4194304)  # hard unlimited
    # above the hard limit (rootless podman may not raise it): RLIMIT_DEFAULT if it
    # may, else its own limit
    assert podman_nproc((5000, 2000000), 4194304) == (RLIMIT_DEFAULT, RLIMIT_DEFAULT)
    assert podman_nproc((50000, 96367), 4194304) == (50000, 96367)
    assert podman_nproc((50000, 96367), None) == (50000, 96367)  # no pid_max read


def test_unlimited_and_above_podmans_default_are_clamped(tmp_path: Path) -> None:
    limits = tmp_path / "limits"
    limits.write_text(
        "Max processes             unlimited            unlimited            processes\n"
        "Max open files            1024                 4194304              files\n"
    )
    missing = str(tmp_path / "missing")
    assert with_default_ulimits((), str(limits), missing) == (
        Ulimit("nofile", RLIMIT_DEFAULT, RLIMIT_DEFAULT),
        Ulimit("nproc", RLIMIT_DEFAULT, RLIMIT_DEFAULT),
    )
    assert with_default_ulimits((), missing, missing) == ()

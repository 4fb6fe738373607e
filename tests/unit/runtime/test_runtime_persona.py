"""--oom-score-adj in the init: clamped to the current value, as rootless podman does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.linux import syscalls as sc
from hutch.runtime.container import write_oom_score_adj


@pytest.mark.parametrize(
    ("current", "asked", "written"), [(0, 100, 100), (0, -500, 0), (300, 200, 300)]
)
def test_a_score_below_the_current_one_becomes_the_current_one(
    tmp_path: Path, current: int, asked: int, written: int
) -> None:
    path = tmp_path / "oom_score_adj"
    path.write_text(f"{current}\n")
    assert write_oom_score_adj(asked, str(path)) == written
    assert path.read_text() == str(written)


def test_linux32_changes_what_uname_reports() -> None:
    # in a child: the personality stays with the process that set it
    pid = os.fork()
    if pid == 0:
        try:
            sc.personality(sc.PER_LINUX32)
            os._exit(0 if os.uname().machine in ("i686", "armv7l", "armv8l", "ppc", "s390") else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0

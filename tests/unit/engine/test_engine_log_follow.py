"""Following a log across rotations: which kept files lie between two handles."""

from __future__ import annotations

import os
from pathlib import Path

from hutch.engine.container_query import _rotated_between


def _rotate(path: Path, keep: int) -> None:
    """What the monitor's writer does: shift the kept files, start a new live one."""
    for n in range(keep - 1, 1, -1):
        if Path(f"{path}.{n - 1}").exists():
            os.replace(f"{path}.{n - 1}", f"{path}.{n}")
    os.replace(path, f"{path}.1")
    path.write_text("")


def test_files_rotated_between_the_old_and_the_live_handle(tmp_path: Path) -> None:
    log = tmp_path / "ctr.log"
    log.write_text("a")
    with open(log, "rb") as old:
        _rotate(log, 5)  # old is now ctr.log.1
        log.write_text("b")
        _rotate(log, 5)  # old .2, "b" .1
        with open(log, "rb") as live:
            assert _rotated_between(old, live, str(log), 5) == [f"{log}.1"]
            _rotate(log, 5)  # the live handle itself rotated: read through it
            assert _rotated_between(old, live, str(log), 5) == [f"{log}.2"]


def test_an_old_file_rotated_away_means_all_are_newer(tmp_path: Path) -> None:
    log = tmp_path / "ctr.log"
    log.write_text("a")
    with open(log, "rb") as old:
        for _ in range(3):
            _rotate(log, 2)  # one rotated file kept: old's file is gone
        with open(log, "rb") as live:
            assert _rotated_between(old, live, str(log), 2) == [f"{log}.1"]

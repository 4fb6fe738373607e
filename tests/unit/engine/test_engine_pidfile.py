"""--pidfile: made absolute at create (the monitor writes it from elsewhere), in the
spec's lifecycle for the monitor, and inspect's .PidFile / .ConmonPidFile (podman's
userdata/pidfile and userdata/conmon.pid when not given)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.config.settings import Settings
from hutch.engine import container_record, specbuild
from hutch.engine.create_plan import parse_create
from hutch.store.containers import ContainerDirs
from unit.engine.test_engine_inspect_record import _inspect


def test_a_relative_pidfile_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = parse_create(RunOptions("i", pidfile="run/c.pid"), Settings()).options
    assert options.pidfile == os.fspath(tmp_path / "run" / "c.pid")


def test_the_monitor_is_told_where_to_write(tmp_path: Path) -> None:
    dirs = ContainerDirs(tmp_path / "c")
    assert specbuild.pidfile_of(RunOptions("i"), dirs) == os.fspath(dirs.userdata / "pidfile")
    assert specbuild.pidfile_of(RunOptions("i", pidfile="/x/p"), dirs) == "/x/p"


def test_inspect_shows_both_files(tmp_path: Path) -> None:
    data = _inspect(tmp_path, container_record.ContainerConfig(RunOptions("i")))
    assert data["PidFile"].endswith("/userdata/pidfile")
    assert data["ConmonPidFile"].endswith("/userdata/conmon.pid")
    assert list(data).index("ConmonPidFile") == list(data).index("OCIRuntime") + 1
    given = RunOptions("i", pidfile="/run/user/c.pid")
    (tmp_path / "g").mkdir()
    assert _inspect(tmp_path / "g", container_record.ContainerConfig(given))["PidFile"] == (
        "/run/user/c.pid"
    )

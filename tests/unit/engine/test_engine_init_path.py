"""--init-path: with --init, the given binary is mounted at podman's /run/podman-init and
runs the command after "--" as PID 1 (hutch's own init stays out); without --init it
changes nothing; a missing file is refused before anything is pulled."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import LifecycleOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine.create_plan import parse_create
from hutch.runtime.spec import Mount
from unit.engine.test_engine_specbuild import build


def test_the_binary_is_the_init(tmp_path: Path) -> None:
    init = tmp_path / "catatonit"
    init.write_text("")
    lifecycle = LifecycleOptions(init=True, init_path=str(init))
    spec = build(tmp_path, RunOptions("i", command=("sleep", "1"), lifecycle=lifecycle))
    assert spec.process.args == ("/run/podman-init", "--", "sleep", "1")
    assert spec.mounts == (Mount("bind", "/run/podman-init", str(init), ("ro",)),)
    assert spec.lifecycle.init is False


def test_without_init_the_path_changes_nothing(tmp_path: Path) -> None:
    lifecycle = LifecycleOptions(init_path="/x/init")
    spec = build(tmp_path, RunOptions("i", command=("true",), lifecycle=lifecycle))
    assert spec.process.args == ("true",) and spec.mounts == ()


def test_a_missing_init_is_refused_and_a_relative_one_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(
        InvalidArgument,
        match=r"^container-init binary not found on the host: stat /no/such: no such file or",
    ):
        parse_create(RunOptions("i", lifecycle=LifecycleOptions(init_path="/no/such")), Settings())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "init").write_text("")
    options = RunOptions("i", lifecycle=LifecycleOptions(init=True, init_path="init"))
    parsed = parse_create(options, Settings()).options
    assert parsed.lifecycle.init_path == str(tmp_path / "init")

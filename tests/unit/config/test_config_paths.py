"""Where hutch keeps its files: XDG variables, flags, the runtime dir fallback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady
from hutch.config.paths import Paths, default_paths, ensure_private_dir


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    return tmp_path


def test_xdg_data_and_config_are_honoured(xdg: Path) -> None:
    paths = default_paths()
    assert paths.data == xdg / "data" / "hutch"
    assert paths.config == xdg / "config" / "hutch"
    assert paths.settings_file == xdg / "config" / "hutch" / "hutch.toml"


def test_runtime_falls_back_to_tmp_when_xdg_runtime_dir_is_unset(xdg: Path) -> None:
    assert default_paths().runtime == Path(f"/tmp/hutch-{os.getuid()}")


def test_runtime_falls_back_when_xdg_runtime_dir_does_not_exist(
    xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg / "missing"))
    assert default_paths().runtime == Path(f"/tmp/hutch-{os.getuid()}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", "")
    assert default_paths().runtime == Path(f"/tmp/hutch-{os.getuid()}")


def test_runtime_under_xdg_runtime_dir(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (xdg / "run").mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg / "run"))
    assert default_paths().runtime == xdg / "run" / "hutch"


def test_flags_override_the_environment(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (xdg / "run").mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg / "run"))
    paths = default_paths(root=str(xdg / "r"), runroot=str(xdg / "rr"))
    assert (paths.data, paths.runtime) == (xdg / "r", xdg / "rr")
    assert paths.config == xdg / "config" / "hutch"  # no flag for it


def test_derived_paths() -> None:
    p = Paths(data=Path("/d"), runtime=Path("/r"), config=Path("/c"))
    assert p.storage == Path("/d/storage")
    assert p.database == Path("/d/storage/hutch.db")
    assert p.layers == Path("/d/storage/layers")
    assert p.blobs == Path("/d/storage/blobs")
    assert p.containers == Path("/d/storage/containers")
    assert p.tmp == Path("/d/storage/tmp")
    assert p.session_pid == Path("/r/session.pid")
    assert p.session_lock == Path("/r/session.lock")


def test_ensure_private_dir_creates_mode_0700(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    ensure_private_dir(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    ensure_private_dir(target)  # existing and ours: fine


def test_ensure_private_dir_refuses_another_users_dir(tmp_path: Path) -> None:
    if os.getuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        os.chown(theirs, 65534, 65534)
    else:
        theirs = Path("/")  # owned by root, never by the unprivileged test user
    with pytest.raises(PermissionError, match="is owned by uid"):
        ensure_private_dir(theirs)


def test_relative_paths_become_absolute_or_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "rel/data")
    monkeypatch.setenv("XDG_CONFIG_HOME", "rel/config")
    (tmp_path / "rel" / "run").mkdir(parents=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "rel/run")
    paths = default_paths()
    # The XDG spec: a relative value is ignored (the monitor runs from "/").
    assert paths.data == tmp_path / "home" / ".local" / "share" / "hutch"
    assert paths.config == tmp_path / "home" / ".config" / "hutch"
    assert paths.runtime == Path(f"/tmp/hutch-{os.getuid()}")
    # Flags are taken relative to the working directory, made absolute.
    flagged = default_paths("store", "state")
    assert (flagged.data, flagged.runtime) == (tmp_path / "store", tmp_path / "state")


def test_runtime_dir_of_another_user_is_refused_by_name(
    xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (xdg / "run").mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg / "run"))
    owner = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: owner + 4242)
    with pytest.raises(HostNotReady) as info:
        default_paths()
    assert f"belongs to uid {owner}, not to you (uid {owner + 4242})" in str(info.value)
    assert info.value.hint is not None
    assert f"unset XDG_RUNTIME_DIR (hutch then uses /tmp/hutch-{owner + 4242})" in info.value.hint

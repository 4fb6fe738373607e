"""The XDG base directories (config/xdg.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.config.xdg import user_dir


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
    ],
)
def test_an_absolute_value_wins_and_unset_empty_or_relative_is_the_default(
    variable: str, default: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, "/srv/x")
    assert user_dir(variable) == Path("/srv/x/hutch")
    for value in ("", "relative/dir", " "):
        monkeypatch.setenv(variable, value)
        assert user_dir(variable) == tmp_path / "home" / default / "hutch"
    monkeypatch.delenv(variable)
    assert user_dir(variable, "other") == tmp_path / "home" / default / "other"

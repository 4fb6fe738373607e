"""Layered TOML settings: system < user < $HUTCH_CONFIG, then environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.config import settings
from hutch.config.settings import Settings, load_settings


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """System, user and override files in tmp_path; the environment cleared."""
    # load_settings reads the system file from a module constant (no parameter).
    system = tmp_path / "etc" / "hutch.toml"
    system.parent.mkdir()
    monkeypatch.setattr(settings, "SYSTEM_FILE", system)
    monkeypatch.delenv("HUTCH_CONFIG", raising=False)
    monkeypatch.delenv("HUTCH_STORAGE_DRIVER", raising=False)
    return {"system": system, "user": tmp_path / "user.toml", "override": tmp_path / "o.toml"}


def test_defaults_without_files(files: dict[str, Path]) -> None:
    assert load_settings(files["user"]) == Settings(storage_driver=None, default_network="private")


def test_system_file_alone(files: dict[str, Path]) -> None:
    files["system"].write_text('[storage]\ndriver = "vfs"\n[network]\ndefault = "host"\n')
    assert load_settings(files["user"]) == Settings("vfs", "host")


def test_user_overrides_system_key_by_key(files: dict[str, Path]) -> None:
    files["system"].write_text('[storage]\ndriver = "vfs"\n[network]\ndefault = "host"\n')
    files["user"].write_text('[storage]\ndriver = "overlay"\n')
    # The user's table replaces only the keys it names.
    assert load_settings(files["user"]) == Settings("overlay", "host")


def test_hutch_config_overrides_user(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files["system"].write_text('[network]\ndefault = "host"\n')
    files["user"].write_text('[storage]\ndriver = "overlay"\n')
    files["override"].write_text('[storage]\ndriver = "fuse-overlayfs"\n')
    monkeypatch.setenv("HUTCH_CONFIG", str(files["override"]))
    assert load_settings(files["user"]) == Settings("fuse-overlayfs", "host")


def test_storage_driver_environment_wins_over_every_file(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files["user"].write_text('[storage]\ndriver = "overlay"\n')
    files["override"].write_text('[storage]\ndriver = "fuse-overlayfs"\n')
    monkeypatch.setenv("HUTCH_CONFIG", str(files["override"]))
    monkeypatch.setenv("HUTCH_STORAGE_DRIVER", "vfs")
    assert load_settings(files["user"]).storage_driver == "vfs"
    monkeypatch.setenv("HUTCH_STORAGE_DRIVER", "")  # empty means unset
    assert load_settings(files["user"]).storage_driver == "fuse-overlayfs"


def test_unknown_keys_are_ignored(files: dict[str, Path]) -> None:
    files["user"].write_text('future = 1\n[storage]\ndriver = "vfs"\nother = true\n[x.y]\nz = 2\n')
    assert load_settings(files["user"]) == Settings("vfs", "private")


@pytest.mark.parametrize("which", ["system", "user", "override"])
def test_malformed_toml_names_the_file(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    monkeypatch.setenv("HUTCH_CONFIG", str(files["override"]))
    files[which].write_text("[storage\ndriver = \n")
    with pytest.raises(InvalidArgument) as exc_info:
        load_settings(files["user"])
    message = str(exc_info.value)
    assert message.startswith(f"{files[which]}: ")
    assert "\n" not in message


def test_a_key_where_a_table_belongs_is_an_invalid_argument(files: dict[str, Path]) -> None:
    files["user"].write_text('storage = "vfs"\n')
    with pytest.raises(InvalidArgument, match="storage"):
        load_settings(files["user"])


def test_push_chunk_size_default_and_units(files: dict[str, Path]) -> None:
    assert load_settings(files["user"]).push_chunk_size == 64 << 20
    for value, size in (("1048576", 1 << 20), ('"256k"', 256 << 10), ('"2MiB"', 2 << 20)):
        files["user"].write_text(f"[registry]\nchunk_size = {value}\n")
        assert load_settings(files["user"]).push_chunk_size == size


@pytest.mark.parametrize("value", ["0", '"lots"', '"1.5M"', "true", "-3"])
def test_bad_push_chunk_size_is_refused(files: dict[str, Path], value: str) -> None:
    files["user"].write_text(f"[registry]\nchunk_size = {value}\n")
    with pytest.raises(InvalidArgument, match=r"\[registry\] chunk_size"):
        load_settings(files["user"])

"""``ps`` without --all decodes no stopped container's config (issue 16: a listing
among many stopped containers decoded each one's), with --all only those whose row
cannot be read from the record's JSON, and still tells of one whose state file or
config row cannot be read where it would show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.container_list import ListContainersOptions
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import container_record
from hutch.engine import container_state as cs
from hutch.engine.container_list import ContainerList
from hutch.engine.context import EngineContext
from unit.storerows import image_row


def _ctx(tmp_path: Path) -> EngineContext:
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    image_row(ctx.conn, "sha256:i")
    good = container_record.encode(container_record.ContainerConfig(RunOptions(image="busybox")))
    ctx.containers.create("a" * 64, "good", "sha256:i", "busybox", good)
    ctx.containers.create("b" * 64, "bad", "sha256:i", "busybox", "\x00garbage")
    return ctx


def test_ps_decodes_only_what_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = _ctx(tmp_path)
    decoded: list[str] = []
    config_of = cs.config_of

    def counting(record: cs.ContainerRecord) -> container_record.ContainerConfig:
        decoded.append(record.name)
        return config_of(record)

    monkeypatch.setattr(cs, "config_of", counting)
    listing = ContainerList(ctx)
    assert listing.ls(ListContainersOptions()) == []  # both created: none running
    assert decoded == [] and capsys.readouterr().err == ""
    shown = listing.ls(ListContainersOptions(all=True))
    # the good one's row is read from its record's JSON (engine/config_peek.py ``row``):
    # only the one that does not read so is decoded, and shows unknown as before
    assert decoded == ["bad"]
    assert sorted((s.name, s.status) for s in shown) == [("bad", "unknown"), ("good", "created")]
    assert f"WARN: container {'b' * 12}:" in capsys.readouterr().err


def test_a_broken_state_file_is_told_by_ps_without_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = _ctx(tmp_path)
    state = ctx.containers.dirs("a" * 64).userdata / "state.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(b"")
    assert ContainerList(ctx).ls(ListContainersOptions()) == []
    assert f"WARN: container {'a' * 12}:" in capsys.readouterr().err

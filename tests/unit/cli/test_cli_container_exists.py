"""``hutch container exists`` against the fake engine: exit codes, podman's flags."""

from __future__ import annotations

import pytest

from unit.fakes import FakeEngine, run_cli


@pytest.mark.parametrize("argv", [["web"], ["--external", "web"]])
def test_container_exists_takes_podmans_external(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeEngine(existing_images=("web",))
    assert run_cli(["container", "exists", *argv], engine, monkeypatch, capsys).code == 0
    assert run_cli(["container", "exists", *argv[:-1], "db"], engine, monkeypatch, capsys).code == 1

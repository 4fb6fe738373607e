"""The seam the CLI tests use: ``main`` takes an engine (tests, the REST service)."""

from __future__ import annotations

import pytest

from unit.fakes import FakeEngine


def test_main_accepts_an_engine(capsys: pytest.CaptureFixture[str]) -> None:
    from hutch.cli import app

    fake = FakeEngine()
    with pytest.raises(SystemExit) as exc_info:
        app.main(["images", "-q"], engine=fake)
    assert exc_info.value.code == 0
    assert fake.only_call("images.ls") is None

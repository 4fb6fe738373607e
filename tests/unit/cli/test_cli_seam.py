"""The seam the CLI tests need: hand ``main`` an engine instead of patching ``AppState``.

``main_options`` (src/hutch/cli/app.py, the root callback) always builds a
fresh ``AppState()``; there is no parameter through which a test, the REST
service or an embedding program could give the CLI an engine of its own.
``unit.fakes.run_cli`` works around it by patching ``hutch.cli.app.AppState``.
"""

from __future__ import annotations

import pytest

from unit.fakes import FakeEngine


@pytest.mark.xfail(
    strict=True,
    raises=TypeError,
    reason="SEAM: hutch.cli.app.main has no engine parameter; proposed "
    "main(argv=None, *, engine: Engine | None = None) -> build_app(engine=engine) "
    "-> AppState(root=..., runroot=..., log_level=..., _engine=engine)",
)
def test_main_accepts_an_engine(capsys: pytest.CaptureFixture[str]) -> None:
    from hutch.cli import app

    fake = FakeEngine()
    with pytest.raises(SystemExit) as exc_info:
        app.main(["images", "-q"], engine=fake)  # type: ignore[call-arg]
    assert exc_info.value.code == 0
    assert fake.only_call("list_images") is None

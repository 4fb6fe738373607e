"""``hutch --module NAME|PATH``: podman's global option, passed to the engine's
settings (config/containers_conf.py, issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest


def _main(*args: str) -> int:
    from hutch.cli import app

    with pytest.raises(SystemExit) as exc_info:
        app.main(list(args))
    code = exc_info.value.code
    assert isinstance(code, int)
    return code


def test_modules_reach_the_engine_factory_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from hutch.engine import engine

    made: list[tuple[object, ...]] = []

    def factory(*args: object) -> object:
        made.append(args)
        raise SystemExit(0)

    monkeypatch.setattr(engine, "user_engine", factory)
    assert _main("--module", "a.conf", "--module=/m/b.conf", "ps") == 0
    assert made == [(None, None, None, None, None, ("a.conf", "/m/b.conf"))]


def test_a_module_that_is_not_found_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
        monkeypatch.setenv(name, str(tmp_path))
    assert _main("--module", str(tmp_path / "missing.conf"), "ps") == 125
    assert f'could not resolve module "{tmp_path}/missing.conf"' in capsys.readouterr().err

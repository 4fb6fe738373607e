"""``/version`` from os.uname and sys (routes_ping loads no platform module), and the
service's engines built over paths and settings resolved once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hutch.service.context import ServiceConfig, ServiceContext
from hutch.service.request import Request
from hutch.service.routes_ping import version
from hutch.service.sessions import Sessions


def test_version_names_this_host_and_python() -> None:
    ctx = ServiceContext(lambda: None, ServiceConfig(version="9.9"), Sessions())  # type: ignore[arg-type,return-value]
    req = Request(method="GET", path="/version", query={}, headers={})
    body = json.loads(version(ctx, req).body)
    details = body["Components"][0]["Details"]
    host = os.uname()
    assert details["KernelVersion"] == host.release
    assert details["Arch"] == {"x86_64": "amd64", "aarch64": "arm64"}.get(
        host.machine, host.machine
    )
    assert details["GoVersion"] == "python{}.{}.{}".format(*sys.version_info[:3])
    assert body["Version"] == "9.9"


def test_the_first_ping_loads_no_platform_module() -> None:
    probe = "import sys, hutch.service.routes_ping\nprint('platform' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_service_factory_resolves_paths_and_settings_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hutch.config import paths as config_paths
    from hutch.config import settings as config_settings
    from hutch.engine import engine

    resolved: list[str] = []
    real_paths, real_settings = config_paths.default_paths, config_settings.load_settings

    def counted_paths(*args: str | None) -> config_paths.Paths:
        resolved.append("paths")
        return real_paths(*args)

    def counted_settings(path: Path, *rest: Any) -> config_settings.Settings:
        resolved.append("settings")
        return real_settings(path, *rest)

    monkeypatch.setattr(config_paths, "default_paths", counted_paths)
    monkeypatch.setattr(config_settings, "load_settings", counted_settings)
    factory = engine.engine_factory(str(tmp_path / "root"), str(tmp_path / "run"), "vfs")
    first, second = factory(), factory()
    assert first is not second  # an engine (a database connection) per thread
    assert resolved == ["paths", "settings"]  # but read once
    assert first._ctx.paths == second._ctx.paths
    assert first._ctx.settings.storage_driver == "vfs"
    assert engine.user_engine(str(tmp_path / "root"))._ctx.paths.data == tmp_path / "root"

"""Unit tests' own hooks: the host's files stay out of them."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def no_host_registries_conf(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Short names follow registries.conf where the host has one (podman's rule) and
    # Docker Hub where it has none: unit tests see none, whatever is installed here,
    # unless a test points CONTAINERS_REGISTRIES_CONF at a file of its own.
    missing = Path(tmp_path_factory.getbasetemp()) / "no-registries.conf"
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(missing))

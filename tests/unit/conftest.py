"""The unit tests' isolation from the machine's podman configuration.

hutch reads podman's containers.conf chain (config/containers_conf.py) from
/usr/share/containers, /etc/containers and the user's config home, and its
registries.conf (short names follow it where the host has one, podman's rule):
a unit test that builds settings the way a command does would otherwise see
whatever this host's podman package and user installed. Each test starts with
no such file; the tests of the chains themselves give their own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.config import containers_conf

NOWHERE = Path("/nonexistent/hutch-unit-tests")


@pytest.fixture(autouse=True)
def _no_containers_conf(monkeypatch: pytest.MonkeyPatch) -> None:
    def isolated(cls: type[containers_conf.Sources]) -> containers_conf.Sources:
        return cls(config_home=NOWHERE / "containers", uid=os.getuid(), system_dirs=())

    monkeypatch.setattr(containers_conf.Sources, "from_environ", classmethod(isolated))


@pytest.fixture(autouse=True)
def _no_registries_conf(monkeypatch: pytest.MonkeyPatch) -> None:
    # unless a test points CONTAINERS_REGISTRIES_CONF at a file of its own
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(NOWHERE / "registries.conf"))

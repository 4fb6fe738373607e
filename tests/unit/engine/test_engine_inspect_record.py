"""inspect renders the container's typed record: the values given, defaults where none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hutch.api.container_config import RunOptions
from hutch.api.podman_json import to_json
from hutch.config.paths import Paths
from hutch.engine import container_record
from hutch.engine import container_state as cs
from hutch.engine.container_query import inspect_report
from hutch.runtime import state as st
from hutch.runtime.restart import RestartPolicy
from hutch.store import db
from hutch.store.containers import ContainerStore
from unit.storerows import image_row


def _inspect(tmp_path: Path, config: container_record.ContainerConfig) -> dict[str, Any]:
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    conn = db.connect(tmp_path / "h.db")
    image_row(conn, "sha256:i")
    store = ContainerStore(conn, paths)
    record = store.create("a" * 64, "c", "sha256:i", "busybox", container_record.encode(config))
    container = cs.Container(record, store.dirs(record.id), st.RuntimeState(), config)
    data: dict[str, Any] = to_json(inspect_report(container))
    return data


def test_stop_timeout_0_is_shown_as_0(tmp_path: Path) -> None:
    options = RunOptions(image="busybox", stop_timeout=0, restart="on-failure:2")
    config = container_record.ContainerConfig(options, restart=RestartPolicy("on-failure", 2))
    data = _inspect(tmp_path, config)
    assert data["Config"]["StopTimeout"] == 0
    assert data["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}


def test_defaults_when_nothing_was_given(tmp_path: Path) -> None:
    data = _inspect(tmp_path, container_record.ContainerConfig(RunOptions(image="busybox")))
    assert data["Config"]["StopTimeout"] == 10
    assert data["Config"]["StopSignal"] == "SIGTERM"
    # podman's unset policy: "" (an explicit --restart no shows "no")
    assert data["HostConfig"]["RestartPolicy"] == {"Name": "", "MaximumRetryCount": 0}


def test_an_explicit_no_is_shown_as_no(tmp_path: Path) -> None:
    for given, name in (("no", "no"), ("never", "no"), ("", "")):
        options = RunOptions(image="busybox", restart=given)
        config = container_record.ContainerConfig(options, restart=RestartPolicy.parse(given))
        where = tmp_path / (given or "unset")
        where.mkdir()
        assert _inspect(where, config)["HostConfig"]["RestartPolicy"]["Name"] == name

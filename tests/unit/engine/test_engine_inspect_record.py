"""inspect renders the container's typed record: the values given, defaults where none."""

from __future__ import annotations

import os
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


def _inspect(
    tmp_path: Path, config: container_record.ContainerConfig, status: str = st.CREATED
) -> dict[str, Any]:
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    conn = db.connect(tmp_path / "h.db")
    image_row(conn, "sha256:i")
    store = ContainerStore(conn, paths)
    record = store.create("a" * 64, "c", "sha256:i", "busybox", container_record.encode(config))
    container = cs.Container(record, store.dirs(record.id), st.RuntimeState(status=status), config)
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


def test_paths_and_graph_driver_name_hutchs_own_dirs(tmp_path: Path) -> None:
    """UpperDir/WorkDir under the container's dir, MergedDir while it runs (podman's
    while mounted); OCIConfigPath only once the runtime's spec was given (its
    start); no LogPath (not podman's)."""
    options = RunOptions(image="busybox")
    data = _inspect(tmp_path, container_record.ContainerConfig(options, driver="overlay"))
    root = tmp_path / "data"
    upper = data["GraphDriver"]["Data"]["UpperDir"]
    assert upper.endswith("/" + "a" * 64 + "/upper") and upper.startswith(str(root))
    assert set(data["GraphDriver"]["Data"]) == {"UpperDir", "WorkDir"}  # created only
    assert "OCIConfigPath" not in data and "LogPath" not in data
    assert data["StaticDir"].endswith("/userdata")
    assert data["ConmonPidFile"] == data["StaticDir"] + "/conmon.pid"
    assert "CgroupPath" not in data["State"] and "ConmonPid" not in data["State"]


def test_cgroup_path_is_the_init_s_own(tmp_path: Path) -> None:
    import os

    from hutch.engine.container_state_query import cgroup_path

    lines = Path("/proc/self/cgroup").read_text().splitlines()
    unified = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
    named = [line.split(":", 2)[2] for line in lines if ":name=systemd:" in line]
    assert cgroup_path(os.getpid()) == (unified or named or [""])[0]
    assert cgroup_path(0) == "" and cgroup_path(2**22 + 7) == ""


def test_merged_dir_while_it_runs(tmp_path: Path) -> None:
    """podman names MergedDir only while the root is mounted there."""
    options = RunOptions(image="busybox")
    config = container_record.ContainerConfig(options, driver="overlay")
    data = _inspect(tmp_path, config, st.RUNNING)["GraphDriver"]["Data"]
    assert data["MergedDir"] == data["UpperDir"].removesuffix("upper") + "merged"
    (tmp_path / "2").mkdir()
    exited = _inspect(tmp_path / "2", config, st.EXITED)["GraphDriver"]["Data"]
    assert "MergedDir" not in exited


def test_the_state_keys_are_the_whole_report_s(tmp_path: Path) -> None:
    """inspect -f '{{.State.Status}}' reads the record and state file alone
    (engine/container_state_query.py): each key it answers holds the whole report's
    value, in each state."""
    from hutch.api.container_state_report import STATE_ONLY_FIELDS
    from hutch.engine.container_state_query import state_inspect

    config = container_record.ContainerConfig(RunOptions(image="busybox"))
    states = [
        st.RuntimeState(status=st.CREATED),
        st.RuntimeState(status=st.RUNNING, pid=os.getpid(), monitor_pid=1, started_at=5.5),
        st.RuntimeState(status=st.PAUSED, pid=os.getpid(), pause_method="freezer"),
        st.RuntimeState(status=st.EXITED, exit_code=3, finished_at=9.25, restart_count=2),
    ]
    for n, state in enumerate(states):
        where = tmp_path / str(n)
        where.mkdir()
        paths = Paths(data=where / "data", runtime=where / "run", config=where / "cfg")
        conn = db.connect(where / "h.db")
        image_row(conn, "sha256:i")
        store = ContainerStore(conn, paths)
        record = store.create("a" * 64, "c", "sha256:i", "busybox", container_record.encode(config))
        container = cs.Container(record, store.dirs(record.id), state, config)
        whole, part = to_json(inspect_report(container)), to_json(state_inspect(container))
        assert part == {k: whole[k] for k in part}
        # the Go fields the CLI lets a template read on this path (.Id reads as .ID)
        assert {"ID" if k == "Id" else k for k in part} == STATE_ONLY_FIELDS
        assert part["State"]["Status"] == state.status

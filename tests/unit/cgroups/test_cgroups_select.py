"""Choosing the cgroup manager, with fake cgroup trees in tmp dirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hutch.cgroups import host as cm
from hutch.cgroups import v2 as cgroupfs
from hutch.cgroups.limits import ResourceSpec


def fake_cgroup(path: Path, controllers: str = "", procs: str = "") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "cgroup.controllers").write_text(controllers + "\n")
    (path / "cgroup.subtree_control").write_text("")
    (path / "cgroup.procs").write_text(procs)
    return path


def tree(tmp_path: Path) -> tuple[Path, set[Path]]:
    """root (not ours) > user-1000 (ours, delegated) > session (ours, the caller)."""
    mount = fake_cgroup(tmp_path / "cg", "cpuset cpu io memory pids")
    user = fake_cgroup(mount / "user-1000", "cpu io memory pids")
    session = fake_cgroup(user / "session", "", "42\n")
    ours = {user, session}
    return mount, {p / f for p in ours for f in ("", "cgroup.procs", "cgroup.subtree_control")}


def writable_in(paths: set[Path]) -> Callable[[Path], bool]:
    normalised = {Path(str(p).rstrip("/")) for p in paths}
    return lambda p: Path(str(p).rstrip("/")) in normalised


def test_cgroupfs_below_the_highest_owned_ancestor(tmp_path: Path) -> None:
    mount, ours = tree(tmp_path)
    host = cm.detect(
        mount=mount,
        own_path="/user-1000/session",
        systemd_session=False,
        writable=writable_in(ours),
    )
    assert host.manager == cm.CGROUPFS
    assert host.root == str(mount / "user-1000")
    assert host.controllers == ("cpu", "io", "memory", "pids")
    assert host.own == str(mount / "user-1000" / "session")


def test_ownership_must_be_unbroken(tmp_path: Path) -> None:
    mount, ours = tree(tmp_path)
    # user-1000 is not ours any more: only the caller's own leaf is left.
    only_leaf = {p for p in ours if "session" in str(p)}
    (mount / "user-1000" / "session" / "cgroup.controllers").write_text("memory\n")
    host = cm.detect(
        mount=mount,
        own_path="/user-1000/session",
        systemd_session=False,
        writable=writable_in(only_leaf),
    )
    assert host.root == str(mount / "user-1000" / "session")


def test_systemd_when_a_user_session_is_there(tmp_path: Path) -> None:
    mount, ours = tree(tmp_path)
    host = cm.detect(
        mount=mount, own_path="/user-1000/session", systemd_session=True, writable=writable_in(ours)
    )
    assert host.manager == cm.SYSTEMD


def test_disabled_on_a_hybrid_host(tmp_path: Path) -> None:
    mount = fake_cgroup(tmp_path / "unified", "")
    host = cm.detect(mount=mount, own_path="/", systemd_session=False, writable=lambda p: False)
    assert host.manager == cm.DISABLED
    assert "hybrid" in host.reason
    assert cm.detect(mount=None, own_path="/", systemd_session=False).manager == cm.DISABLED


def test_disabled_when_nothing_is_delegated() -> None:
    host = cm.detect(
        mount=Path("/sys/fs/cgroup"),
        own_path="/user-1000/session",
        systemd_session=False,
        writable=lambda p: False,
    )
    assert host.manager == cm.DISABLED
    assert host.reason == "no part of your cgroup /user-1000/session is delegated to you"


def test_disabled_when_the_owned_subtree_has_no_controllers(tmp_path: Path) -> None:
    mount, ours = tree(tmp_path)
    (mount / "user-1000" / "cgroup.controllers").write_text("\n")
    host = cm.detect(
        mount=mount,
        own_path="/user-1000/session",
        systemd_session=False,
        writable=writable_in(ours),
    )
    assert host.manager == cm.DISABLED
    assert "no cgroup v2 controllers" in host.reason


@pytest.mark.parametrize(
    ("env", "own", "files", "expected"),
    [
        (
            {"XDG_RUNTIME_DIR": "RUN"},
            "/user.slice/user-1000.slice/user@1000.service/app",
            True,
            True,
        ),
        ({"XDG_RUNTIME_DIR": "RUN"}, "/user-1000/session", True, False),
        ({"XDG_RUNTIME_DIR": "RUN"}, "/user.slice/user@1000.service/app", False, False),
        ({}, "/user.slice/user@1000.service/app", True, False),
    ],
)
def test_systemd_user_session_detection(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    own: str,
    files: bool,
    expected: bool,
) -> None:
    run = tmp_path / "run"
    if files:
        (run / "systemd").mkdir(parents=True)
        (run / "systemd" / "private").touch()
        (run / "bus").touch()
    env = {k: v.replace("RUN", str(run)) for k, v in env.items()}
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/busctl")
    assert cm.systemd_user_session(env, own) is expected


def test_mount_point_and_own_path(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "24 1 0:22 / /sys rw - sysfs sysfs rw\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    )
    assert cgroupfs.mount_point(str(mountinfo)) == Path("/sys/fs/cgroup/unified")
    assert cgroupfs.unified_path("4:memory:/x\n0::/user-1000/session\n") == "/user-1000/session"
    assert cgroupfs.unified_path("4:memory:/x\n") == ""


def test_prepare_parent_moves_processes_out_and_enables_controllers(tmp_path: Path) -> None:
    mount, _ours = tree(tmp_path)
    user = mount / "user-1000"
    (user / "cgroup.procs").write_text("7\n")  # the delegated cgroup holds a process itself
    cgroupfs.prepare_parent(user, user / "hutch", {"memory", "pids", "cpuset"})
    assert (user / "init" / "cgroup.procs").read_text() == "7"
    assert (user / "cgroup.subtree_control").read_text() == "+memory +pids"
    assert (user / "hutch").is_dir()


def test_container_cgroup_and_events(tmp_path: Path) -> None:
    spec = ResourceSpec(backend="cgroupfs", parent=str(tmp_path))
    assert cgroupfs.container_cgroup(spec, "abc") == tmp_path / "abc"
    assert cgroupfs.container_cgroup(ResourceSpec(), "abc") is None
    (tmp_path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert cgroupfs.oom_kills(tmp_path) == 1
    assert cgroupfs.oom_kills(tmp_path / "missing") == 0


def test_read_stats(tmp_path: Path) -> None:
    (tmp_path / "memory.current").write_text("1000\n")
    (tmp_path / "memory.max").write_text("max\n")
    (tmp_path / "pids.current").write_text("3\n")
    (tmp_path / "cpu.stat").write_text("usage_usec 500\nnr_throttled 2\nthrottled_usec 90\n")
    (tmp_path / "io.stat").write_text(
        "8:0 rbytes=100 wbytes=20 rios=1 wios=1\n8:16 rbytes=1 wbytes=2 rios=0 wios=0\n"
    )
    stats = cgroupfs.read_stats(tmp_path)
    assert stats["memory_current"] == 1000 and stats["memory_max"] == -1
    assert stats["pids_current"] == 3
    assert stats["cpu_usage_usec"] == 500 and stats["cpu_nr_throttled"] == 2
    assert (stats["io_read_bytes"], stats["io_write_bytes"]) == (101, 22)

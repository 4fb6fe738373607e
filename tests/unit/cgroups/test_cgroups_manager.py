"""The cgroup manager interface: each backend chosen from the host or the spec, and what it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import HostNotReady
from hutch.cgroups.host import DISABLED, CgroupHost
from hutch.cgroups.limits import CGROUPFS, SYSTEMD, ResourceSpec
from hutch.cgroups.manager import (
    Cgroupfs,
    Disabled,
    Placement,
    Systemd,
    disabled,
    manager_for,
    manager_of,
)


def _host(manager: str, root: str = "/sys/fs/cgroup/user-1000") -> CgroupHost:
    return CgroupHost(manager, root, ("memory", "pids"), "why", "/sys/fs/cgroup")


@pytest.mark.parametrize(
    ("name", "kind"), [(SYSTEMD, Systemd), (CGROUPFS, Cgroupfs), (DISABLED, Disabled)]
)
def test_the_host_chooses_the_backend_once(name: str, kind: type) -> None:
    manager = manager_for(_host(name))
    assert isinstance(manager, kind) and manager.name == name


@pytest.mark.parametrize(
    ("backend", "kind"), [("systemd", Systemd), ("cgroupfs", Cgroupfs), ("", Disabled)]
)
def test_the_monitor_gets_the_backend_the_spec_names(backend: str, kind: type) -> None:
    assert isinstance(manager_of(ResourceSpec(backend=backend)), kind)


def test_a_placement_names_its_backend_and_round_trips(tmp_path: Path) -> None:
    for name in (SYSTEMD, CGROUPFS):
        res = manager_for(_host(name)).place(Placement(ResourceSpec(memory_max=1 << 26)))
        assert res.backend == name and res.pids_max == 2048  # the default pids limit
        assert manager_of(res).name == name


def test_disabled_refuses_what_was_asked_and_makes_nothing() -> None:
    manager = disabled("cgroups are disabled")
    with pytest.raises(HostNotReady, match="--memory cannot be enforced: cgroups are disabled"):
        manager.place(Placement(ResourceSpec(memory_max=1 << 26), ("--memory",)))
    with pytest.raises(HostNotReady, match="--cgroup-parent"):
        manager.place(Placement(ResourceSpec(), (), "/x"))
    assert manager.place(Placement(ResourceSpec())) == ResourceSpec()
    assert manager.create(ResourceSpec(), "abc", 1) is None


def test_cgroupfs_makes_the_parent_path_and_the_container_cgroup(tmp_path: Path) -> None:
    root = tmp_path / "user-1000"
    root.mkdir()
    (root / "cgroup.controllers").write_text("memory pids\n")
    (root / "cgroup.subtree_control").write_text("")
    (root / "cgroup.procs").write_text("")
    host = CgroupHost(CGROUPFS, str(root), ("memory", "pids"), "", str(tmp_path))
    res = manager_for(host).place(Placement(ResourceSpec(memory_max=1 << 26), ("--memory",)))
    assert res.parent == str(root / "hutch")
    cgroup = manager_of(res).create(res, "abc", 1)
    assert cgroup == root / "hutch" / "abc"
    assert (cgroup / "memory.max").read_text() == str(1 << 26)
    assert (cgroup / "pids.max").read_text() == "2048"
    assert (root / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_systemd_starts_a_scope_and_makes_the_cgroup_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.cgroups import systemd

    scope = tmp_path / "hutch-abc.scope"
    scope.mkdir()
    (scope / "cgroup.controllers").write_text("")
    calls: list[tuple[str, int, str]] = []

    def fake_scope(container_id: str, pid: int, slice_: str = "") -> Path:
        calls.append((container_id, pid, slice_))
        return scope

    monkeypatch.setattr(systemd, "start_scope", fake_scope)
    res = manager_for(_host(SYSTEMD)).place(Placement(ResourceSpec(), (), "batch.slice"))
    assert manager_of(res).create(res, "abc", 42) == scope / "abc"
    assert calls == [("abc", 42, "batch.slice")]

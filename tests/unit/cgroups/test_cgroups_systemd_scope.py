"""The systemd backend's scope request and --cgroup-parent as a slice."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hutch.api.container_config import ResourceOptions
from hutch.api.errors import InvalidArgument
from hutch.cgroups.host import CgroupHost
from hutch.cgroups.manager import is_slice
from hutch.cgroups.systemd import scope_call, start_scope
from hutch.engine import resources as r

CID = "ab" * 32
SYSTEMD = CgroupHost(
    "systemd", "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service", ("pids",), ""
)
CGROUPFS = CgroupHost("cgroupfs", "/sys/fs/cgroup/user-1000", ("pids",), "", "/sys/fs/cgroup")


def test_scope_call_is_start_transient_unit_with_delegate() -> None:
    argv = scope_call(CID, 4242)
    assert argv[:4] == ["busctl", "--user", "call", "--quiet"]
    i = argv.index("StartTransientUnit")
    assert argv[i + 1 : i + 4] == ["ssa(sv)a(sa(sv))", f"hutch-{CID[:12]}.scope", "fail"]
    props = argv[i + 4 :]
    assert props[0] == "3" and props[-1] == "0"  # three properties, no auxiliary units
    assert props[1:5] == ["PIDs", "au", "1", "4242"]
    assert props[5:8] == ["Delegate", "b", "true"]
    assert "Slice" not in props


def test_scope_call_names_the_slice() -> None:
    props = scope_call(CID, 1, "batch.slice")
    i = props.index("StartTransientUnit") + 4
    assert props[i] == "4"
    assert props[-4:] == ["Slice", "s", "batch.slice", "0"]


def test_a_slice_parent_goes_to_the_systemd_scope() -> None:
    spec = r.plan(ResourceOptions(cgroup_parent="batch.slice"), "", SYSTEMD).spec
    assert (spec.backend, spec.slice, spec.parent) == ("systemd", "batch.slice", "")
    assert r.plan(ResourceOptions(), "", SYSTEMD).spec.slice == ""


def test_a_path_parent_is_refused_with_systemd() -> None:
    with pytest.raises(InvalidArgument, match=r"name one, such as batch\.slice"):
        r.plan(ResourceOptions(cgroup_parent="/user-1000/x"), "", SYSTEMD)


def test_a_slice_parent_is_refused_with_cgroupfs() -> None:
    with pytest.raises(InvalidArgument, match="a slice needs the systemd cgroup manager"):
        r.plan(ResourceOptions(cgroup_parent="batch.slice"), "", CGROUPFS)


@pytest.mark.parametrize("name", ["batch.slice", "user-batch.slice", "a_b.c.slice"])
def test_slice_names(name: str) -> None:
    assert is_slice(name)


@pytest.mark.parametrize("name", ["batch", "a/b.slice", "../x.slice", ".slice", "x.slice/y"])
def test_not_slice_names(name: str) -> None:
    assert not is_slice(name)


def test_update_never_writes_the_slice() -> None:
    old = r.plan(ResourceOptions(cgroup_parent="batch.slice"), "", SYSTEMD).spec
    new = r.merge_update(old, ResourceOptions(pids_limit=5))
    assert r.only_changed(old, new).slice == ""


def test_a_refused_scope_is_an_os_error_with_systemds_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "busctl"
    fake.write_text("#!/bin/sh\necho 'Unit hutch-x.scope already exists.' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(OSError, match=r"systemd refused scope hutch-abababababab\.scope: Unit"):
        start_scope(CID, os.getpid())


def test_a_pods_slice_and_its_cgroup() -> None:
    from hutch.cgroups.systemd import pod_slice, slice_dir

    assert pod_slice("ab" * 32) == f"user-hutch_pod_{'ab' * 32}.slice"
    root = Path("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service")
    assert slice_dir(root, "user-hutch_pod_x.slice") == root / "user.slice/user-hutch_pod_x.slice"
    assert slice_dir(root, "batch.slice") == root / "batch.slice"


def test_a_pods_limits_are_the_slices_properties() -> None:
    from hutch.cgroups.limits import DeviceLimit, ResourceSpec
    from hutch.cgroups.systemd import INFINITY, slice_properties

    spec = ResourceSpec(
        memory_max=64 << 20,
        memory_swap_max=-2,
        cpu_quota=50000,
        cpu_period=100000,
        cpu_weight=100,
        cpuset_cpus="0-2,9",
        io_weight=500,
        device_weights=(DeviceLimit("8:0", "io.weight", 300),),
    )
    assert slice_properties(spec) == [
        ["MemoryMax", "t", str(64 << 20)],
        ["MemorySwapMax", "t", INFINITY],
        ["CPUQuotaPerSecUSec", "t", "500000"],
        ["CPUQuotaPeriodUSec", "t", "100000"],
        ["CPUWeight", "t", "100"],
        ["AllowedCPUs", "ay", "2", "7", "2"],
        ["IOWeight", "t", "4950"],
        ["IOAccounting", "b", "true"],
    ]
    assert slice_properties(ResourceSpec()) == []


def test_start_slice_asks_systemd_then_writes_the_device_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.cgroups.limits import DeviceLimit, ResourceSpec
    from hutch.cgroups.systemd import start_slice, stop_unit

    cgroup = tmp_path / "cg" / "user.slice" / "user-hutch_pod_x.slice"
    calls = tmp_path / "calls"
    fake = tmp_path / "busctl"
    # as systemd would: the slice's cgroup appears once the start job runs
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nmkdir -p {cgroup}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    res = ResourceSpec(memory_max=1 << 20, device_weights=(DeviceLimit("8:0", "io.weight", 10),))
    start_slice("user-hutch_pod_x.slice", cgroup, res)
    argv = calls.read_text().split()
    i = argv.index("StartTransientUnit")
    assert argv[i + 2 : i + 4] == ["user-hutch_pod_x.slice", "fail"]
    assert "MemoryMax" in argv and "IOAccounting" in argv
    assert (cgroup / "io.weight").read_text() == "8:0 1"
    assert not (cgroup / "memory.max").exists()  # systemd's to write
    stop_unit("user-hutch_pod_x.slice")
    assert calls.read_text().splitlines()[-1].split()[-4:] == [
        "StopUnit",
        "ss",
        "user-hutch_pod_x.slice",
        "replace",
    ]


def test_start_slice_enables_cpuset_itself_and_writes_the_cpuset_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # systemd's user manager leaves AllowedCPUs= unenforced: the slice's cpuset is ours
    from hutch.cgroups.limits import ResourceSpec
    from hutch.cgroups.systemd import start_slice

    root = tmp_path / "user@1000.service"
    parent = root / "user.slice"
    cgroup = parent / "user-hutch_pod_x.slice"
    parent.mkdir(parents=True)
    (root / "cgroup.subtree_control").write_text("cpu memory pids\n")
    (parent / "cgroup.subtree_control").write_text("cpuset memory\n")
    fake = tmp_path / "busctl"
    fake.write_text(f"#!/bin/sh\nmkdir -p {cgroup}\ntouch {cgroup}/cpuset.cpus\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    start_slice("user-hutch_pod_x.slice", cgroup, ResourceSpec(cpuset_cpus="1"), root)
    # a real subtree_control file takes "+cpuset" and lists it; a plain file keeps the write
    assert (root / "cgroup.subtree_control").read_text() == "+cpuset"
    assert (parent / "cgroup.subtree_control").read_text() == "cpuset memory\n"  # had it
    assert (cgroup / "cpuset.cpus").read_text() == "1"
    assert not (cgroup / "cgroup.subtree_control").exists()  # the slice's children: not ours


def test_start_slice_without_a_root_leaves_cpuset_to_systemd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a pod recorded before the manager's root was kept: as before, properties only
    from hutch.cgroups.limits import ResourceSpec
    from hutch.cgroups.systemd import start_slice

    cgroup = tmp_path / "user.slice" / "user-hutch_pod_x.slice"
    fake = tmp_path / "busctl"
    fake.write_text(f"#!/bin/sh\nmkdir -p {cgroup}\ntouch {cgroup}/cpuset.cpus\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    start_slice("user-hutch_pod_x.slice", cgroup, ResourceSpec(cpuset_cpus="1"))
    assert (cgroup / "cpuset.cpus").read_text() == ""

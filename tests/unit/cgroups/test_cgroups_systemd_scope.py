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

"""--cgroup-conf and containers.conf's cgroup_conf: cgroup v2 files written as given,
after hutch's limits, with their controller asked of the host (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import ResourceOptions, RunOptions
from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.cgroups import v2
from hutch.cgroups.host import DISABLED, CgroupHost
from hutch.cgroups.limits import CGROUPFS, ResourceSpec
from hutch.config.container_defaults import ContainerDefaults, container_defaults
from hutch.engine import conf_defaults
from hutch.engine import resources as r

HOST = CgroupHost(CGROUPFS, "/sys/fs/cgroup/u", ("cpu", "memory", "pids"), "delegated")
NONE = CgroupHost(DISABLED, "", (), "a hybrid layout")


def test_a_value_without_equals_gets_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as err:
        r.parse_limits(ResourceOptions(cgroup_conf=("memory.high",)))
    assert err.value.message == "--cgroup-conf must be formatted KEY=VALUE"
    with pytest.raises(InvalidArgument, match="a file of the container's cgroup"):
        r.parse_limits(ResourceOptions(cgroup_conf=("../memory.max=1",)))


def test_the_files_come_after_hutchs_limits_and_ask_their_controller() -> None:
    spec = r.parse_limits(
        ResourceOptions(memory="64m", cgroup_conf=("memory.max=32M", "cgroup.freeze=0"))
    )
    files = v2.limit_files(spec, lambda _: True)
    assert files[0] == ("memory.max", str(64 << 20))
    assert files[-2:] == [("memory.max", "32M"), ("cgroup.freeze", "0")]
    only = r.parse_limits(ResourceOptions(cgroup_conf=("io.weight=default 50", "cgroup.x=1")))
    assert v2.controllers_for(only) == {"io"}


def test_they_are_written_into_the_cgroup(tmp_path: Path) -> None:
    v2.write_limits(tmp_path, ResourceSpec(unified=(("memory.high", "64M"),)))
    assert (tmp_path / "memory.high").read_text() == "64M"


def test_a_host_that_cannot_apply_them_refuses_by_the_flags_name() -> None:
    with pytest.raises(HostNotReady, match=r"^--cgroup-conf cannot be enforced"):
        r.plan(ResourceOptions(cgroup_conf=("memory.high=1M",)), "", NONE)
    with pytest.raises(HostNotReady, match="io controller"):
        r.plan(ResourceOptions(cgroup_conf=("io.weight=default 50",)), "", HOST)
    spec = r.plan(ResourceOptions(cgroup_conf=("memory.high=1M",)), "", HOST).spec
    assert spec.unified == (("memory.high", "1M"),)
    warned = r.plan(ResourceOptions(cgroup_conf=("memory.high=1M",)), "disabled", HOST)
    assert warned.warning == "cgroups are disabled: --cgroup-conf will not be enforced"


def test_the_files_keys_come_first_and_a_flag_wins_its_key() -> None:
    d = container_defaults({"cgroup_conf": ["memory.high=1M", "pids.max=9"]}, {})
    assert d == ContainerDefaults(cgroup_conf=("memory.high=1M", "pids.max=9"))
    options = RunOptions("i", resources=ResourceOptions(cgroup_conf=("memory.high=2M",)))
    got = conf_defaults.apply(options, d).resources.cgroup_conf
    assert got == ("pids.max=9", "memory.high=2M")


def test_inspect_shows_them_as_podmans_cgroupconf() -> None:
    from hutch.engine.inspect_extras import cgroup_conf
    from hutch.runtime.spec import Process, Rootfs, Spec

    given = RunOptions("i", resources=ResourceOptions(cgroup_conf=("memory.high=1M", "pids.max=9")))
    assert cgroup_conf(given, None) == {"memory.high": "1M", "pids.max": "9"}
    assert cgroup_conf(RunOptions("i"), None) is None  # podman's null
    # a container with a cgroup: what its spec wrote (the flags' key may be gone)
    placed = ResourceSpec(unified=(("memory.high", "2M"),), backend=CGROUPFS)
    spec = Spec("c", "h", Process(("true",), ()), Rootfs("bind", "/r"), resources=placed)
    assert cgroup_conf(given, spec) == {"memory.high": "2M"}

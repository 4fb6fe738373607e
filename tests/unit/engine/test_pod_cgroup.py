"""Pod-level limits: the pod's cgroup planned, made in a tree of plain files, the
members placed below it, and pod inspect's keys (the kernel's part is proven in
the cgroup v2 guest, tests/vm/test_vm_limits.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import ResourceOptions, RunOptions
from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.api.podman_json import to_json
from hutch.api.pods import PodCreateOptions, PodInfraConfig
from hutch.cgroups.host import CgroupHost
from hutch.cgroups.limits import CGROUPFS, SYSTEMD, ResourceSpec
from hutch.config.settings import Settings
from hutch.engine import pod_cgroup, pod_infra
from hutch.engine.pod_member import own_options
from hutch.engine.pod_record import PodConfig, decode, encode

POD = "a" * 64


def _host(tmp_path: Path, manager: str = CGROUPFS) -> CgroupHost:
    root = tmp_path / "user-1000"
    root.mkdir(exist_ok=True)
    (root / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (root / "cgroup.subtree_control").write_text("")
    controllers = ("cpu", "cpuset", "io", "memory", "pids")
    return CgroupHost(manager, str(root), controllers, "test", str(tmp_path), str(root))


def _config(options: PodCreateOptions, host: CgroupHost) -> PodConfig:
    path, limits = pod_cgroup.placed(options.resources, "", host, POD)
    return PodConfig(options, "p", ("ipc", "net", "uts"), cgroup_path=path, limits=limits)


def test_a_pod_with_limits_gets_a_cgroup_below_hutch(tmp_path: Path) -> None:
    limits = ResourceOptions(memory="64m", cpus="0.5")
    path, spec = pod_cgroup.placed(limits, "", _host(tmp_path), POD)
    assert path == f"/user-1000/hutch/pod-{POD}"
    assert spec.backend == CGROUPFS and spec.parent == str(tmp_path / "user-1000/hutch")
    assert (spec.memory_max, spec.cpu_quota, spec.cpu_period) == (64 << 20, 50000, 100000)
    assert spec.pids_max == 0  # no pod-wide default: each member has its own


def test_without_limits_a_pod_still_gets_a_cgroup_where_there_is_a_manager(
    tmp_path: Path,
) -> None:
    path, spec = pod_cgroup.placed(ResourceOptions(), "", _host(tmp_path), POD)
    assert path == f"/user-1000/hutch/pod-{POD}"  # as podman: pod inspect's CgroupPath
    assert spec.backend == CGROUPFS and spec.memory_max == 0 and spec.pids_max == 0
    none = CgroupHost("disabled", "", (), "a hybrid layout")
    assert pod_cgroup.placed(ResourceOptions(), "", none, POD) == ("", ResourceSpec())
    off = PodCreateOptions(resources=ResourceOptions(cgroups="disabled"))
    assert pod_cgroup.plan(off, Settings(), POD) == ("", ResourceSpec())


def test_limits_are_refused_as_run_refuses_them_where_nothing_is_delegated() -> None:
    host = CgroupHost("disabled", "", (), "cgroup v2 is mounted only at /x, beside v1")
    with pytest.raises(HostNotReady, match="--memory cannot be enforced: cgroup v2 is mounted"):
        pod_cgroup.placed(ResourceOptions(memory="64m"), "", host, POD)


def test_cgroups_disabled_warns_and_makes_no_cgroup(capsys: pytest.CaptureFixture[str]) -> None:
    host = CgroupHost("disabled", "", (), "cgroups are disabled")
    given = ResourceOptions(memory="64m", cgroups="disabled")
    assert pod_cgroup.placed(given, "", host, POD)[0] == ""
    assert "--memory will not be enforced" in capsys.readouterr().err


def test_under_systemd_a_pod_is_a_slice_its_members_scopes_go_into(tmp_path: Path) -> None:
    host = _host(tmp_path, SYSTEMD)
    path, spec = pod_cgroup.placed(ResourceOptions(cpus="1"), "", host, POD)
    name = f"user-hutch_pod_{POD}.slice"
    assert path == f"/user-1000/user.slice/{name}"
    assert (spec.backend, spec.slice) == (SYSTEMD, name)
    assert spec.parent == str(tmp_path / "user-1000" / "user.slice")
    config = PodConfig(PodCreateOptions(), "p", ("net",), cgroup_path=path, limits=spec)
    assert pod_cgroup.member_parent(config) == name
    assert pod_cgroup.member_resources(config, ResourceOptions()).cgroup_parent == name
    member = RunOptions(image="i", resources=ResourceOptions(cgroup_parent=name))
    assert own_options(member, config).resources.cgroup_parent is None
    assert pod_cgroup.parent_of(config) == "/user-1000/user.slice"


def test_under_systemd_ensure_starts_the_slice_once_and_remove_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.cgroups import systemd

    calls: list[tuple[str, ...]] = []

    def start(name: str, cgroup: Path, res: ResourceSpec, root: Path | None) -> None:
        calls.append(("start", name, str(cgroup), str(res.memory_max)))
        assert root == tmp_path / "user-1000"  # where enable_cpuset would start
        cgroup.mkdir(parents=True)

    monkeypatch.setattr(systemd, "start_slice", start)
    monkeypatch.setattr(systemd, "stop_unit", lambda name: calls.append(("stop", name)))
    options = PodCreateOptions(resources=ResourceOptions(memory="64m"))
    config = _config(options, _host(tmp_path, SYSTEMD))
    pod_cgroup.ensure(config)
    pod_cgroup.ensure(config)  # a member's start: the slice is there
    made = tmp_path / "user-1000" / "user.slice" / f"user-hutch_pod_{POD}.slice"
    assert calls == [("start", config.limits.slice, str(made), str(64 << 20))]
    pod_cgroup.remove(config)
    assert calls[-1] == ("stop", config.limits.slice)


def test_ensure_makes_the_cgroup_with_its_limits_and_remove_takes_it(tmp_path: Path) -> None:
    options = PodCreateOptions(
        resources=ResourceOptions(memory="64m", cpus="1", cpuset_cpus="0", blkio_weight=500)
    )
    config = _config(options, _host(tmp_path))
    pod_cgroup.ensure(config)
    made = tmp_path / "user-1000" / "hutch" / f"pod-{POD}"
    assert (made / "memory.max").read_text() == str(64 << 20)
    assert (made / "cpu.max").read_text() == "100000 100000"
    assert (made / "cpuset.cpus").read_text() == "0"
    assert not (made / "pids.max").exists()
    enabled = (tmp_path / "user-1000" / "cgroup.subtree_control").read_text().split()
    assert {"+cpu", "+cpuset", "+memory"} <= set(enabled)
    for name in list(made.iterdir()):
        name.unlink()  # the kernel's files are not files: a plain tree needs emptying
    pod_cgroup.remove(config)
    assert not made.exists()
    pod_cgroup.remove(PodConfig(PodCreateOptions(), "p", ()))  # none: nothing to do


def test_members_and_the_infra_go_below_the_pod_unless_they_say_otherwise(
    tmp_path: Path,
) -> None:
    config = _config(PodCreateOptions(resources=ResourceOptions(memory="64m")), _host(tmp_path))
    placed = pod_cgroup.member_resources(config, ResourceOptions())
    assert placed.cgroup_parent == config.cgroup_path
    own = ResourceOptions(cgroup_parent="/user-1000/elsewhere")
    assert pod_cgroup.member_resources(config, own) == own
    off = ResourceOptions(cgroups="disabled")
    assert pod_cgroup.member_resources(config, off) == off
    bare = PodConfig(PodCreateOptions(), "p", ())
    assert pod_cgroup.member_resources(bare, ResourceOptions()).cgroup_parent is None
    # a clone in another pod leaves the old pod's cgroup behind
    member = RunOptions(image="i", resources=placed)
    assert own_options(member, config).resources.cgroup_parent is None
    infra = pod_infra.infra_options(
        config.options,
        name="x",
        hostname="p",
        network="",
        share_net=True,
        cgroup_parent=config.cgroup_path,
    )
    assert infra.resources.cgroup_parent == config.cgroup_path


def test_the_config_keeps_the_cgroup_and_old_records_read(tmp_path: Path) -> None:
    config = _config(PodCreateOptions(resources=ResourceOptions(cpus="1")), _host(tmp_path))
    assert decode(encode(config)) == config
    old = replace(config, cgroup_path="")
    assert decode(encode(old)).cgroup_path == ""
    assert pod_cgroup.parent_of(config) == "/user-1000/hutch"


def test_pod_inspect_shows_the_limits_under_podmans_keys(tmp_path: Path) -> None:
    given = ResourceOptions(
        memory="64m",
        memory_swap="128m",
        cpus="0.5",
        cpu_shares=512,
        cpuset_cpus="0",
        cpuset_mems="0",
        blkio_weight=300,
    )
    config = _config(PodCreateOptions(resources=given), _host(tmp_path))
    shown = to_json(pod_cgroup.inspect_limits(config))
    assert shown == {
        "cpu_period": 100000,
        "cpu_quota": 50000,
        "cpu_shares": 512,
        "cpuset_cpus": "0",
        "cpuset_mems": "0",
        "memory_limit": 64 << 20,
        "memory_swap": 128 << 20,
        "blkio_weight": 300,
    }
    assert to_json(pod_cgroup.inspect_limits(PodConfig(PodCreateOptions(), "p", ()))) == {}


def test_infra_config_leaves_the_cpu_keys_out_without_limits() -> None:
    infra = PodInfraConfig(
        port_bindings={},
        host_network=False,
        static_ip="",
        static_mac="",
        no_manage_resolv_conf=False,
        dns_server=None,
        dns_search=None,
        dns_option=None,
        no_manage_hosts=False,
        host_add=None,
        networks=None,
        network_options=None,
    )
    keys = list(to_json(infra))
    assert "cpu_period" not in keys and keys[-3:] == ["pid_ns", "userns", "uts_ns"]
    limited = to_json(replace(infra, cpu_period=100000, cpu_quota=50000))
    assert list(limited)[-5:] == ["cpu_period", "cpu_quota", "pid_ns", "userns", "uts_ns"]


def test_pod_inspect_shows_the_device_weights_given(tmp_path: Path) -> None:
    config = PodConfig(
        PodCreateOptions(resources=ResourceOptions(blkio_weight_device=("/dev/sda:300",))),
        "p",
        (),
        cgroup_path="/user-1000/hutch/pod-x",
    )
    shown = to_json(pod_cgroup.inspect_limits(config))
    assert shown == {"blkio_weight_device": [{"Path": "/dev/sda", "Weight": 300}]}


def test_cgroup_parent_places_the_pods_cgroup(tmp_path: Path) -> None:
    # pod create --cgroup-parent: below the path given (cgroupfs), or in the slice
    # given (systemd: a dash in a slice's name is a level), as run places one
    host = _host(tmp_path)
    given = ResourceOptions(cgroup_parent="/user-1000/batch")
    path, spec = pod_cgroup.placed(given, "", host, POD)
    assert path == f"/user-1000/batch/pod-{POD}"
    assert pod_cgroup.parent_of(
        PodConfig(PodCreateOptions(), "p", (), cgroup_path=path, limits=spec)
    ) == ("/user-1000/batch")
    host = _host(tmp_path, SYSTEMD)
    path, spec = pod_cgroup.placed(ResourceOptions(cgroup_parent="batch.slice"), "", host, POD)
    name = f"batch-hutch_pod_{POD}.slice"
    assert path == f"/user-1000/batch.slice/{name}"
    assert (spec.backend, spec.slice) == (SYSTEMD, name)
    with pytest.raises(InvalidArgument, match="invalid --cgroup-parent"):
        pod_cgroup.placed(ResourceOptions(cgroup_parent="relative"), "", host, POD)

"""Parsing limit flags and turning them into cgroup v2 files."""

from __future__ import annotations

import os

import pytest

from hutch.api.container_config import ResourceOptions
from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.cgroups import v2 as cgroupfs
from hutch.cgroups.host import DISABLED, CgroupHost
from hutch.cgroups.limits import CGROUPFS, DeviceLimit, ResourceSpec
from hutch.cgroups.manager import DEFAULT_PIDS_LIMIT
from hutch.engine import resources as r

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("64m", 64 * MIB),
        ("64M", 64 * MIB),
        ("64mb", 64 * MIB),
        ("1g", 1024 * MIB),
        ("512k", 512 * 1024),
        ("1.5g", 1536 * MIB),
        ("1048576", MIB),
        ("100b", 100),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert r.parse_size(text, "--memory") == size


@pytest.mark.parametrize("text", ["", "lots", "64x", "-1m", "1..2g"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        r.parse_size(text, "--memory")
    # podman's words, the same for --memory, --memory-reservation and --memory-swap
    assert str(refused.value) == f"invalid value for memory: invalid size: '{text}'"
    with pytest.raises(InvalidArgument, match="--shm-size-systemd"):
        r.parse_size(text, "--shm-size-systemd")


def test_cpus_to_quota_and_period() -> None:
    assert r.cpus_to_quota(0.5) == (50000, 100000)
    assert r.cpus_to_quota(1.25) == (125000, 100000)
    assert r.cpus_to_quota(0.01) == (1000, 100000)


@pytest.mark.parametrize(("shares", "weight"), [(2, 1), (1024, 39), (262144, 10000)])
def test_shares_to_weight(shares: int, weight: int) -> None:
    assert r.shares_to_weight(shares) == weight


def test_blkio_weight_conversion() -> None:
    assert cgroupfs.blkio_to_io_weight(10) == 1
    assert cgroupfs.blkio_to_io_weight(1000) == 10000
    assert cgroupfs.blkio_to_io_weight(500) == 4950


def test_memory_implies_as_much_swap() -> None:
    spec = r.parse_limits(ResourceOptions(memory="64m"))
    assert spec.memory_max == 64 * MIB
    assert spec.memory_swap_max == 64 * MIB and not spec.swap_explicit


def test_memory_swap_is_memory_plus_swap() -> None:
    spec = r.parse_limits(ResourceOptions(memory="64m", memory_swap="100m"))
    assert spec.memory_swap_max == 36 * MIB and spec.swap_explicit
    unlimited = r.parse_limits(ResourceOptions(memory="64m", memory_swap="-1"))
    assert unlimited.memory_swap_max == -2


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (ResourceOptions(memory="1m"), "minimum is 6m"),
        (ResourceOptions(memory_swap="1g"), "you should always set a memory limit when using a"),
        # the value is read before its relation to --memory is checked (podman's order)
        (ResourceOptions(memory_swap="lots"), "invalid value for memory: invalid size: 'lots'"),
        (ResourceOptions(memory="64m", memory_swap="32m"), "minimum memoryswap limit should be"),
        (ResourceOptions(memory="64m", memory_reservation="128m"), "smaller than --memory"),
        (ResourceOptions(cpus="0"), "greater than 0"),
        (ResourceOptions(cpus="nan"), "greater than 0"),
        (
            ResourceOptions(cpus="x"),
            r"invalid argument \"x\" for \"--cpus\" flag: strconv.ParseFloat",
        ),
        (ResourceOptions(cpus=str((os.cpu_count() or 1) + 1)), "CPUs are available"),
        (ResourceOptions(cpus="1", cpu_quota=50000), "conflicts"),
        (ResourceOptions(cpu_shares=512, cpu_weight=10), "conflicts"),
        (ResourceOptions(cpu_shares=1), "between 2 and 262144"),
        (ResourceOptions(cpu_weight=0), "between 1 and 10000"),
        (ResourceOptions(cpu_period=100), "between 1000 and 1000000"),
        (ResourceOptions(cpuset_cpus="0-"), "--cpuset-cpus"),
        (ResourceOptions(blkio_weight=5), "between 10 and 1000"),
        (ResourceOptions(pids_limit=-5), "--pids-limit"),
        (ResourceOptions(device_read_bps=("/dev/null:1mb",)), "not a block device"),
        (ResourceOptions(device_read_bps=("/dev/null",)), "bad format: /dev/null"),
        (
            ResourceOptions(device_write_iops=("/dev/no-such:10",)),
            "could not parse throttle device at /dev/no-such: no such file or directory",
        ),
    ],
)
def test_bad_limits(options: ResourceOptions, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        r.parse_limits(options)


def test_pids_limit_zero_or_minus_one_is_unlimited() -> None:
    assert r.parse_limits(ResourceOptions(pids_limit=0)).pids_max == -1
    assert r.parse_limits(ResourceOptions(pids_limit=-1)).pids_max == -1
    assert r.parse_limits(ResourceOptions(pids_limit=20)).pids_max == 20


_BPS = (
    "The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. "
    "Unit is optional and can be kb, mb, or gb"
)
_IOPS = "The correct format is <device-path>:<number>. Number must be a positive integer"


@pytest.mark.parametrize("flag", ["read", "write"])
@pytest.mark.parametrize(
    ("unit", "item", "message"),
    [  # podman's words (its validateBpsDevice / validateIOpsDevice)
        ("bps", "bogus", "bad format: bogus"),
        ("bps", ":10", "bad format for device path: :10"),
        ("bps", "/nonexistent:10", "bad format for device path: /nonexistent:10"),
        ("bps", "/dev/sda:bogus", f"invalid rate for device: /dev/sda:bogus. {_BPS}"),
        ("bps", "/dev/sda:-1", f"invalid rate for device: /dev/sda:-1. {_BPS}"),
        ("bps", "/dev/sda:", f"invalid rate for device: /dev/sda:. {_BPS}"),
        ("bps", "/dev/sda:10xb", f"invalid rate for device: /dev/sda:10xb. {_BPS}"),
        ("iops", "bogus", "bad format: bogus"),
        ("iops", "/dev/sda:1.5", f"invalid rate for device: /dev/sda:1.5. {_IOPS}"),
        ("iops", "/dev/sda:10mb", f"invalid rate for device: /dev/sda:10mb. {_IOPS}"),
        ("iops", "/dev/sda:-1", f"invalid rate for device: /dev/sda:-1. {_IOPS}"),
    ],
)
def test_bad_device_rates(
    monkeypatch: pytest.MonkeyPatch, flag: str, unit: str, item: str, message: str
) -> None:
    monkeypatch.setattr(r, "block_device", lambda path, flag: "8:0")
    with pytest.raises(InvalidArgument) as caught:
        r.parse_limits(ResourceOptions(**{f"device_{flag}_{unit}": (item,)}))  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_device_throttles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(r, "block_device", lambda path, flag: "8:0")
    spec = r.parse_limits(
        ResourceOptions(device_read_bps=("/dev/sda:1mb",), device_write_iops=("/dev/sda:100",))
    )
    assert spec.devices == (DeviceLimit("8:0", "rbps", MIB), DeviceLimit("8:0", "wiops", 100))
    files = cgroupfs.limit_files(spec, lambda name: False)
    assert ("io.max", f"8:0 rbps={MIB} wiops=100") in files


def test_limit_files() -> None:
    spec = r.parse_limits(
        ResourceOptions(
            memory="64m",
            memory_reservation="32m",
            cpus="0.5",
            cpu_weight=50,
            cpuset_cpus="0",
            pids_limit=20,
            blkio_weight=500,
        )
    )
    with_everything = dict(cgroupfs.limit_files(spec, lambda name: True))
    assert with_everything == {
        "cpuset.cpus": "0",
        "memory.max": str(64 * MIB),
        "memory.low": str(32 * MIB),
        "memory.swap.max": str(64 * MIB),
        "cpu.max": "50000 100000",
        "cpu.weight": "50",
        "pids.max": "20",
        "io.bfq.weight": "500",
    }
    # Without swap accounting or BFQ: the implied swap is skipped, io.weight used.
    without = dict(cgroupfs.limit_files(spec, lambda name: False))
    assert "memory.swap.max" not in without
    assert without["io.weight"] == "default 4950"


def test_cpu_period_alone_keeps_no_quota() -> None:
    files = cgroupfs.limit_files(ResourceSpec(cpu_period=50000), lambda n: True)
    assert files == [("cpu.max", "max 50000")]


def test_controllers_for() -> None:
    spec = r.parse_limits(ResourceOptions(memory="64m", cpus="1", pids_limit=3))
    assert cgroupfs.controllers_for(spec) == {"memory", "cpu", "pids"}
    assert cgroupfs.controllers_for(ResourceSpec()) == set()


HOST = CgroupHost(
    CGROUPFS,
    "/sys/fs/cgroup/user-1000",
    ("cpu", "io", "memory", "pids"),
    "delegated",
    "/sys/fs/cgroup",
    "/sys/fs/cgroup/user-1000/session",
)
NONE = CgroupHost(DISABLED, "", (), "a hybrid layout", "/sys/fs/cgroup/unified")


def test_plan_without_flags_runs_everywhere() -> None:
    assert r.plan(ResourceOptions(), "", NONE).spec == ResourceSpec()
    # Where a cgroup exists, the default pids limit is applied silently.
    spec = r.plan(ResourceOptions(), "", HOST).spec
    assert spec.pids_max == DEFAULT_PIDS_LIMIT
    assert spec.backend == "cgroupfs"
    assert spec.parent == "/sys/fs/cgroup/user-1000/hutch"
    assert spec.root == "/sys/fs/cgroup/user-1000"


def test_plan_refuses_what_cannot_be_enforced() -> None:
    with pytest.raises(HostNotReady, match=r"^--memory cannot be enforced: a hybrid layout; "):
        r.plan(ResourceOptions(memory="64m"), "", NONE)
    with pytest.raises(HostNotReady, match="cpuset controller"):
        r.plan(ResourceOptions(cpuset_cpus="0"), "", HOST)
    with pytest.raises(HostNotReady, match="--cgroup-parent"):
        r.plan(ResourceOptions(cgroup_parent="/x"), "", NONE)


def test_plan_disabled_warns() -> None:
    for options, setting in (
        (ResourceOptions(memory="64m", cgroups="disabled"), ""),
        (ResourceOptions(memory="64m"), "disabled"),
    ):
        result = r.plan(options, setting, HOST)
        assert result.spec == ResourceSpec()
        assert result.warning == "cgroups are disabled: --memory will not be enforced"
    assert r.plan(ResourceOptions(cgroups="disabled"), "", NONE).warning == ""


def test_plan_parents() -> None:
    split = r.plan(ResourceOptions(cgroups="split"), "", HOST).spec
    assert split.parent == "/sys/fs/cgroup/user-1000/session"
    mine = r.plan(ResourceOptions(cgroup_parent="/user-1000/mine"), "", HOST).spec
    assert mine.parent == "/sys/fs/cgroup/user-1000/mine"
    with pytest.raises(InvalidArgument, match="inside your delegated cgroup"):
        r.plan(ResourceOptions(cgroup_parent="/elsewhere"), "", HOST)
    with pytest.raises(InvalidArgument, match="absolute"):
        r.plan(ResourceOptions(cgroup_parent="rel"), "", HOST)
    with pytest.raises(
        InvalidArgument,
        match=r'^running container create option: invalid cgroup mode "on": invalid argument$',
    ):
        r.plan(ResourceOptions(cgroups="on"), "", HOST)


def test_systemd_plan_leaves_the_parent_to_the_scope() -> None:
    host = CgroupHost("systemd", "/sys/fs/cgroup/user.slice/user@1000.service", ("pids",), "")
    spec = r.plan(ResourceOptions(), "", host).spec
    assert spec.backend == "systemd" and spec.parent == ""


def test_update_merges_only_given_flags() -> None:
    current = r.parse_limits(ResourceOptions(memory="64m", cpus="0.5", pids_limit=20))
    new = r.merge_update(current, ResourceOptions(memory="128m"))
    assert new.memory_max == 128 * MIB
    assert new.memory_swap_max == 128 * MIB
    assert (new.cpu_quota, new.cpu_period, new.pids_max) == (50000, 100000, 20)
    changed = r.only_changed(current, new)
    assert dict(cgroupfs.limit_files(changed, lambda n: True)) == {
        "memory.max": str(128 * MIB),
        "memory.swap.max": str(128 * MIB),
    }


def test_given_limits_names_flags() -> None:
    options = ResourceOptions(memory="1g", device_read_bps=("/dev/sda:1",), cgroups="split")
    assert options.given_limits() == ("--memory", "--device-read-bps")

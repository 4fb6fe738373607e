"""inspect's .HostConfig limits: podman's names and units, from the spec or the flags."""

from __future__ import annotations

import dataclasses

from hutch.api.container_config import ResourceOptions
from hutch.api.podman_json import to_json
from hutch.cgroups.limits import DeviceLimit, ResourceSpec
from hutch.engine.resource_inspect import (
    host_config_limits,
    inspect_limits,
    weight_to_shares,
)
from hutch.engine.resources import merge_update, parse_limits, shares_to_weight

MIB = 1024 * 1024


def test_memory_and_cpu_flags_in_podman_units() -> None:
    options = ResourceOptions(
        memory="64m", memory_reservation="32m", cpus="0.5", cpu_shares=512, cpuset_cpus="0"
    )
    res = dataclasses.replace(parse_limits(options), backend="cgroupfs", pids_max=2048)
    got = to_json(inspect_limits(res, options))
    assert got["Memory"] == 64 * MIB
    assert got["MemoryReservation"] == 32 * MIB
    assert got["MemorySwap"] == 128 * MIB  # podman: swap defaults to the memory limit
    assert got["NanoCpus"] == 500_000_000
    assert (got["CpuQuota"], got["CpuPeriod"]) == (50000, 100000)
    assert got["CpuShares"] == 512
    assert got["CpusetCpus"] == "0" and got["CpusetMems"] == ""
    assert got["PidsLimit"] == 2048
    assert got["CgroupManager"] == "cgroupfs" and got["Cgroups"] == "default"


BLKIO_LISTS = (
    "BlkioWeightDevice",
    "BlkioDeviceReadBps",
    "BlkioDeviceWriteBps",
    "BlkioDeviceReadIOps",
    "BlkioDeviceWriteIOps",
)


def test_no_limits_are_zero_and_null_block_io_lists() -> None:
    got = to_json(inspect_limits(ResourceSpec(), ResourceOptions()))
    for key in ("Memory", "MemorySwap", "NanoCpus", "CpuShares", "CpuQuota", "PidsLimit"):
        assert got[key] == 0, key
    # podman fills them only from a spec's BlockIO section: null without one
    assert [got[key] for key in BLKIO_LISTS] == [None] * 5
    assert got["CgroupManager"] == ""


def test_a_block_io_limit_makes_the_other_lists_empty_not_null() -> None:
    options = ResourceOptions(blkio_weight=300)
    got = to_json(inspect_limits(parse_limits(options), options))
    assert got["BlkioWeight"] == 300
    assert [got[key] for key in BLKIO_LISTS] == [[]] * 5


def test_swap_unlimited_and_explicit() -> None:
    unlimited = parse_limits(ResourceOptions(memory="64m", memory_swap="-1"))
    assert (
        to_json(host_config_limits(unlimited, ResourceOptions(), cgroups="", manager=""))[
            "MemorySwap"
        ]
        == -1
    )
    total = parse_limits(ResourceOptions(memory="64m", memory_swap="100m"))
    assert (
        to_json(host_config_limits(total, ResourceOptions(), cgroups="", manager=""))["MemorySwap"]
        == 100 * MIB
    )


def test_update_is_shown_from_the_spec() -> None:
    options = ResourceOptions(memory="64m", cpu_shares=512, pids_limit=100)
    spec = dataclasses.replace(parse_limits(options), backend="systemd")
    updated = merge_update(spec, ResourceOptions(memory="128m", cpu_shares=2048, pids_limit=50))
    got = to_json(inspect_limits(updated, options))
    assert got["Memory"] == 128 * MIB
    assert got["PidsLimit"] == 50
    # Not the 512 typed at create: the weight in the spec is 2048's.
    assert shares_to_weight(got["CpuShares"]) == shares_to_weight(2048)
    assert got["CgroupManager"] == "systemd"


def test_without_a_cgroup_the_flags_are_shown_and_cgroups_disabled() -> None:
    options = ResourceOptions(memory="64m", cpus="1", pids_limit=-1, cgroups="disabled")
    got = to_json(inspect_limits(ResourceSpec(), options))
    assert got["Memory"] == 64 * MIB
    assert got["NanoCpus"] == 1_000_000_000
    assert got["PidsLimit"] == -1
    assert got["Cgroups"] == "disabled" and got["CgroupManager"] == ""


def test_device_limits_keep_the_path_typed(tmp_path: object) -> None:
    import os

    dev = next(
        (p for p in ("/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/loop0") if os.path.exists(p)),
        None,
    )
    assert dev is not None, "no block device to test with"
    options = ResourceOptions(
        device_read_bps=(f"{dev}:1mb",), device_write_iops=(f"{dev}:100",), blkio_weight=300
    )
    got = to_json(inspect_limits(parse_limits(options), options))
    assert got["BlkioDeviceReadBps"] == [{"Path": dev, "Rate": MIB}]
    assert got["BlkioDeviceWriteIOps"] == [{"Path": dev, "Rate": 100}]
    assert got["BlkioDeviceWriteBps"] == []
    assert got["BlkioWeight"] == 300


def test_a_device_no_longer_named_is_shown_by_number() -> None:
    res = ResourceSpec(backend="cgroupfs", devices=(DeviceLimit("254:0", "wbps", 5),))
    got = to_json(host_config_limits(res, ResourceOptions(), cgroups="default", manager="cgroupfs"))
    assert got["BlkioDeviceWriteBps"] == [{"Path": "/dev/block/254:0", "Rate": 5}]


def test_a_gone_device_in_the_flags_does_not_break_inspect() -> None:
    options = ResourceOptions(memory="64m", device_read_bps=("/dev/no-such-disk:1mb",))
    got = to_json(inspect_limits(None, options))
    assert got["Memory"] == 0  # the flags no longer parse: nothing is claimed


def test_weight_to_shares_inverts_shares_to_weight_closely() -> None:
    for shares in (2, 512, 1024, 4096, 262144):
        assert abs(weight_to_shares(shares_to_weight(shares)) - shares) <= 27
    for weight in (1, 39, 79, 5000, 10000):
        assert shares_to_weight(weight_to_shares(weight)) == weight
    assert weight_to_shares(1) == 2 and weight_to_shares(10000) == 262144

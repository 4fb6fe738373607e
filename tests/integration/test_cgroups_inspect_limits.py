"""inspect shows a container's limits in .HostConfig as podman does (host: --cgroups=disabled).

The guest lane (tests/vm) shows them for enforced limits and after update.
"""

from __future__ import annotations

import json

from harness import Hutch
from test_cgroups_host_refusal import BLOCK_DEVICE

MIB = 1024 * 1024


def test_inspect_host_config_limits(hutch: Hutch, base_image: str) -> None:
    created = hutch(
        "create", "--cgroups=disabled", "--memory", "64m", "--memory-reservation", "32m",
        "--cpus", "0.5", "--cpu-shares", "512", "--cpuset-cpus", "0", "--pids-limit", "100",
        "--blkio-weight", "300", "--device-read-bps", f"{BLOCK_DEVICE}:1mb",
        base_image, "true",
    )  # fmt: skip
    cid = created.stdout.strip()
    host = json.loads(hutch("inspect", "--format", "{{json .HostConfig}}", cid).stdout)
    assert host["Memory"] == 64 * MIB
    assert host["MemoryReservation"] == 32 * MIB
    assert host["MemorySwap"] == 128 * MIB
    assert host["NanoCpus"] == 500_000_000
    assert (host["CpuQuota"], host["CpuPeriod"], host["CpuShares"]) == (50000, 100000, 512)
    assert host["CpusetCpus"] == "0"
    assert host["PidsLimit"] == 100
    assert host["BlkioWeight"] == 300
    assert host["BlkioDeviceReadBps"] == [{"Path": BLOCK_DEVICE, "Rate": MIB}]
    assert host["Cgroups"] == "disabled" and host["CgroupManager"] == ""
    one = hutch("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", cid)
    assert one.stdout.split() == [str(64 * MIB), "500000000"]


def test_inspect_without_limits_shows_zeros(hutch: Hutch, base_image: str) -> None:
    cid = hutch("create", base_image, "true").stdout.strip()
    host = json.loads(hutch("inspect", "--format", "{{json .HostConfig}}", cid).stdout)
    # This host has no delegated cgroup v2 (see HOST-NOTES.md): no cgroup, no default pids limit.
    assert (host["Memory"], host["NanoCpus"], host["PidsLimit"]) == (0, 0, 0)
    assert host["BlkioDeviceReadBps"] is None  # podman's null without a block I/O limit
    assert host["Cgroups"] == "default"

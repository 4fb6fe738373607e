"""version, info, system df, events and the filters parameter in Docker's shapes."""

from __future__ import annotations

import pytest

from hutch.api.containers import ContainerSummary
from hutch.api.errors import InvalidArgument
from hutch.api.events import Event
from hutch.api.images import ImageSummary
from hutch.api.system import HostFact, HostInfo, InfoReport, StoreInfo
from hutch.api.volumes import VolumeSummary
from hutch.service.docker.event_json import EVENT_FILTER_KEYS, EVENT_FILTER_VALUES, event_json
from hutch.service.docker.filters import filter_texts
from hutch.service.docker.system_json import info_json, system_df

HOST = HostInfo(
    arch="amd64", os="linux", kernel="6.18.0", hostname="box", cpus=2, mem_total=1 << 34,
    mem_free=1 << 33, swap_total=0, swap_free=0, uptime="1h", distribution="debian",
    distribution_version="12", codename="bookworm", cgroup_manager="disabled",
    cgroup_version="v1", cgroup_controllers=(), oci_runtime="hutch",
    oci_runtime_path="/usr/bin/hutch", network_backend="pasta", slirp4netns="", pasta="/p",
    rootless=True, uid_map=(), gid_map=(), log_driver="k8s-file",
)  # fmt: skip
STORE = StoreInfo("/c", "overlay", "/g", "/r", "/v", 3, 4, 1, 0, 3)


def test_info() -> None:
    report = InfoReport(
        "0.1.0", facts=(HostFact("subuid", "none", False, "add a range"),), host=HOST, store=STORE
    )
    out = info_json(report, "2026-12-03T19:00:00Z")
    assert (out["Containers"], out["ContainersRunning"], out["Images"]) == (4, 1, 3)
    assert (out["Architecture"], out["NCPU"], out["Driver"]) == ("x86_64", 2, "overlay")
    assert out["CgroupDriver"] == "none" and out["CgroupVersion"] == "1"
    assert out["MemoryLimit"] is False  # no cgroups here: Docker CLI then warns
    assert out["Swarm"]["LocalNodeState"] == "inactive"
    assert "name=rootless" in out["SecurityOptions"]
    assert out["Warnings"] == ["subuid: add a range"]
    with pytest.raises(ValueError):
        info_json(InfoReport("0.1.0"), "")


def test_system_df() -> None:
    image = ImageSummary("a" * 64, ("docker.io/library/busybox:latest",), "", 1.0, 1000, 1)
    container = ContainerSummary(
        "c" * 64, "web", "busybox", "a" * 64, "sh", 1.0, "exited", 0, 1.0, 2.0, size=24
    )
    volume = VolumeSummary("v", "local", "/m", 1.0, users=("c" * 64,))
    out = system_df([image], [container], [volume], now=100.0)
    assert out["LayersSize"] == 1000 and out["BuildCache"] == []
    assert (out["Containers"][0]["SizeRw"], out["Containers"][0]["SizeRootFs"]) == (24, 1024)
    assert out["Volumes"][0]["UsageData"]["RefCount"] == 1
    assert out["Images"][0]["Containers"] == 1


def test_events_in_dockers_words() -> None:
    died = Event(1_700_000_000_123_456_789, "container", "died", "c" * 64, "web", "busybox",
                 {"exitCode": "0"})  # fmt: skip
    out = event_json(died)
    assert (out["status"], out["Action"], out["Type"], out["from"]) == (
        "die", "die", "container", "busybox",
    )  # fmt: skip
    assert out["Actor"] == {
        "ID": "c" * 64, "Attributes": {"exitCode": "0", "name": "web", "image": "busybox"}
    }  # fmt: skip
    assert (out["time"], out["timeNano"]) == (1_700_000_000, 1_700_000_000_123_456_789)
    removed = event_json(Event(1, "image", "remove", "a" * 64, "busybox"))
    assert removed["Action"] == "delete" and "from" not in removed
    health = Event(1, "container", "health_status", "c" * 64, "web", "busybox",
                   {"health_status": "unhealthy"})  # fmt: skip
    assert event_json(health)["Action"] == "health_status: unhealthy"  # Docker's words
    exec_died = Event(1, "container", "exec_died", "c" * 64, "web", "busybox", {"exitCode": "4"})
    assert event_json(exec_died)["Action"] == "exec_die"


def test_filter_texts_check_keys_and_rename_values() -> None:
    texts = filter_texts(
        {"event": ["die", "start"], "type": ["container"]},
        EVENT_FILTER_KEYS,
        EVENT_FILTER_VALUES,
    )
    assert texts == ("event=died", "event=start", "type=container")
    with pytest.raises(InvalidArgument, match="invalid filter 'bogus'"):
        filter_texts({"bogus": ["1"]}, ("label",))

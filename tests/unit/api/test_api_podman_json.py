"""Typed reports become podman's JSON in field order, under the keys they declare."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hutch.api.containers import (
    ContainerInspect,
    InspectConfig,
    InspectDeviceRate,
    InspectEndpoint,
    InspectHealth,
    InspectHostConfig,
    InspectLimits,
    InspectLogConfig,
    InspectMount,
    InspectNetworkSettings,
    InspectPortBinding,
    InspectRestartPolicy,
    InspectState,
)
from hutch.api.podman_json import inline, key, to_json


@dataclass(frozen=True)
class _Inner:
    a: int = field(metadata=key("A"))


@dataclass(frozen=True)
class _Outer:
    zed: str = field(metadata=key("Zed"))
    items: tuple[_Inner, ...] = field(metadata=key("Items"))
    raw: dict[str, object] = field(metadata=key("Raw"))
    flat: _Inner = field(metadata=inline())
    maybe: _Inner | None = field(metadata=key("Maybe"))


def test_keys_order_nesting_inline_and_passthrough() -> None:
    value = _Outer("z", (_Inner(1), _Inner(2)), {"k": [1, {"x": None}]}, _Inner(3), None)
    out = to_json(value)
    assert list(out) == ["Zed", "Items", "Raw", "A", "Maybe"]  # declared order; inline merged
    assert out == {
        "Zed": "z",
        "Items": [{"A": 1}, {"A": 2}],
        "Raw": {"k": [1, {"x": None}]},
        "A": 3,
        "Maybe": None,
    }
    assert json.loads(json.dumps(to_json([value]))) == [out]  # plain JSON values only


def _limits() -> InspectLimits:
    rate = (InspectDeviceRate("/dev/sda", 1048576),)
    return InspectLimits(
        "default", "", "", 0, 0, 0, 0, False, 0, 0, 0, 0, 0, 0, "", "", 0, 0, 0, 0, (), rate,
        (), (), (),
    )  # fmt: skip


def test_container_inspect_has_podmans_keys_in_its_order() -> None:
    report = ContainerInspect(
        id="c" * 64, created="2026-01-01T00:00:00Z", path="sh", args=("-c", "true"),
        state=InspectState(
            "1.1.0", "exited", False, False, False, False, False, 0, 0, 0, "", "a", "b",
            InspectHealth("", 0, ()), "",
        ),
        image="i" * 64, image_name="localhost/base:latest", rootfs="", resolv_conf_path="/r",
        hostname_path="/h", hosts_path="/hs", log_path="/l", name="c", restart_count=0,
        driver="overlay", mount_label="", process_label="", exec_ids=(),
        mounts=(InspectMount("volume", "v", "/s", "/d", "local", "", ("rw",), True, "rprivate"),),
        config=InspectConfig(
            "h", "", ("A=1",), ("sh",), "base", "/", (), {}, "SIGTERM", 0, ("run",), False,
            False,
        ),
        host_config=InspectHostConfig(
            InspectRestartPolicy("no", 0), False, "bridge",
            InspectLogConfig("k8s-file", "/l", "", "0B", None), _limits(),
        ),
        network_settings=InspectNetworkSettings(
            "", "10.88.0.1", "10.88.0.2", 16, "m", "b",
            {"n": InspectEndpoint("", "g", "a", 16, "", "", 0, "m", "n", ("x",), "eth0")},
            {"80/tcp": (InspectPortBinding("", "8080"),), "443/tcp": None}, "", "",
        ),
    )  # fmt: skip
    out = to_json(report)
    assert list(out) == [
        "Id", "Created", "Path", "Args", "State", "Image", "ImageDigest", "ImageName", "Rootfs",
        "Pod", "ResolvConfPath", "HostnamePath", "HostsPath", "StaticDir",
        "OCIRuntime", "ConmonPidFile", "PidFile", "Name", "RestartCount", "Driver", "MountLabel",
        "ProcessLabel",
        "AppArmorProfile", "EffectiveCaps", "BoundingCaps", "ExecIDs", "Mounts", "Dependencies",
        "NetworkSettings", "Namespace", "IsInfra", "IsService", "Config", "HostConfig",
    ]  # fmt: skip
    assert out["State"]["OOMKilled"] is False and out["State"]["Health"]["Log"] == []
    # podman's omitempty: no ConmonPid once exited, no StoppedByUser unless true;
    # hutch's own PauseMethod only while paused
    assert list(out["State"])[-3:] == ["Health", "CheckpointedAt", "RestoredAt"]
    assert "ConmonPid" not in out["State"] and "PauseMethod" not in out["State"]
    host = out["HostConfig"]
    assert list(host)[:4] == ["CgroupManager", "LogConfig", "NetworkMode", "RestartPolicy"]
    # every key has its place in podman's order (none falls to the end)
    assert list(host) == [k for k in InspectHostConfig.JSON_ORDER if k in host]
    assert list(host)[-6:] == [
        "MemorySwappiness", "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent",
    ]  # fmt: skip
    assert list(host["LogConfig"]) == ["Type", "Config", "Path", "Tag", "Size"]
    assert list(out["Config"])[:9] == [
        "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",
        "OpenStdin", "StdinOnce",
    ]  # fmt: skip
    assert list(out["NetworkSettings"])[-3:] == ["Ports", "SandboxKey", "Networks"]
    assert host["BlkioDeviceReadBps"] == [{"Path": "/dev/sda", "Rate": 1048576}]
    limits_and_security = ("Blkio", "Ulimits", "Cap", "Priv", "Readonly", "Sec")
    assert [k for k in host if k.startswith(limits_and_security)] == [
        "CapAdd", "CapDrop", "Privileged", "ReadonlyRootfs", "SecurityOpt", "BlkioWeight",
        "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
        "BlkioDeviceWriteIOps", "Ulimits",
    ]  # fmt: skip
    assert "Healthcheck" not in out["Config"]  # omitempty, as podman
    assert host["Ulimits"] == []
    assert out["Config"]["StopTimeout"] == 0
    assert out["NetworkSettings"]["Ports"] == {
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}],
        "443/tcp": None,
    }
    assert out["NetworkSettings"]["Networks"]["n"]["Aliases"] == ["x"]
    assert out["Mounts"][0]["RW"] is True
